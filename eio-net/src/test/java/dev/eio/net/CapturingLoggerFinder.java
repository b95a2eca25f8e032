package dev.eio.net;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The test JVM's {@link System.LoggerFinder} (registered in {@code META-INF/services}): keeps
 * every record logged at {@code DEBUG} or above, so tests can check what the server logged;
 * records at {@code WARNING} and above are also printed to standard error.
 */
public final class CapturingLoggerFinder extends System.LoggerFinder {
  /** One logged record. */
  record Entry(String logger, System.Logger.Level level, String message, Throwable thrown) {}

  private static final List<Entry> RECORDS = new CopyOnWriteArrayList<>();

  /** The records so far that match {@code which}. */
  static List<Entry> records(Predicate<Entry> which) {
    return RECORDS.stream().filter(which).toList();
  }

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new Capturing(name);
  }

  private record Capturing(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= Level.DEBUG.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (!isLoggable(level)) {
        return;
      }
      RECORDS.add(new Entry(name, level, msg, thrown));
      if (level.getSeverity() >= Level.WARNING.getSeverity()) {
        System.err.println(level + " " + name + ": " + msg + (thrown == null ? "" : " (" + thrown + ")"));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      log(level, bundle, params == null ? format : java.text.MessageFormat.format(format, params), (Throwable) null);
    }
  }
}
