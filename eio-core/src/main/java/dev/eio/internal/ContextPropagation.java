package dev.eio.internal;

/**
 * Carries {@code ThreadLocal}-based context (SLF4J MDC, tracing, Micrometer Observation: whatever
 * is registered with Micrometer's {@code context-propagation} library) from a forking fiber into
 * the fiber it forks.
 *
 * <p>The library is optional: without it on the class path (or with nothing registered) nothing
 * is captured and a fork pays one null check.
 */
public final class ContextPropagation {
  private ContextPropagation() {}

  /** What the optional library provides; implemented by {@link MicrometerContextBridge}. */
  interface Bridge {
    Object capture();

    AutoCloseable restore(Object snapshot);
  }

  private static final Bridge BRIDGE = load();

  private static Bridge load() {
    try {
      Class.forName(
          "io.micrometer.context.ContextSnapshotFactory",
          false,
          ContextPropagation.class.getClassLoader());
      return new MicrometerContextBridge();
    } catch (ClassNotFoundException | LinkageError e) {
      return null; // the library is not there: propagate nothing
    }
  }

  /** Captures the calling thread's registered context, or {@code null} when there is none. */
  public static Object capture() {
    return BRIDGE == null ? null : BRIDGE.capture();
  }

  /**
   * Installs {@code snapshot} on the calling thread.
   *
   * @return what to close when the fiber ends, which clears what was installed; {@code null} when
   *     {@code snapshot} is
   */
  public static AutoCloseable restore(Object snapshot) {
    return snapshot == null ? null : BRIDGE.restore(snapshot);
  }

  /** Closes what {@link #restore} returned; a failure to clear is not the fiber's failure. */
  public static void close(AutoCloseable scope) {
    if (scope != null) {
      try {
        scope.close();
      } catch (Exception ignored) {
        // An accessor that cannot reset its ThreadLocal leaves it on a thread that is ending.
      }
    }
  }
}
