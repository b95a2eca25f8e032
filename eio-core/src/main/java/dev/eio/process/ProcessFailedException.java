package dev.eio.process;

import java.util.List;

/**
 * A process run by {@link ProcessManager#run} or {@link ProcessManager#parseOut} did not succeed:
 * it exited with a non-zero code or was killed by a signal.
 *
 * <p>The message names the command (cut to a few hundred characters, saying how much was cut:
 * {@link #command()} has all of it), the status and the tail of what the process wrote to its
 * standard error (at most the last 4 KiB), so a failure in a log explains itself.
 *
 * <pre>{@code
 * try {
 *   processes.run(List.of("git", "pull"));
 * } catch (ProcessFailedException e) {
 *   log.warn("{} ({}): {}", e.command(), e.status(), e.stderrTail());
 * }
 * }</pre>
 */
public final class ProcessFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> command;
  private final transient ExitStatus status;
  private final String stderrTail;

  /** A failure of {@code command} with {@code status}; {@code stderrTail} may be empty. */
  public ProcessFailedException(List<String> command, ExitStatus status, String stderrTail) {
    super(message(command, status, stderrTail));
    this.command = List.copyOf(command);
    this.status = status;
    this.stderrTail = stderrTail;
  }

  private static String message(List<String> command, ExitStatus status, String tail) {
    String s = "command " + CommandText.of(command) + " " + status;
    return tail.isEmpty() ? s + " (no output on stderr)" : s + "; stderr ends with:\n" + tail;
  }

  /** The command line, executable first. */
  public List<String> command() {
    return command;
  }

  /** How the process ended. */
  public ExitStatus status() {
    return status;
  }

  /** The last (at most 4 KiB) bytes the process wrote to standard error, decoded as UTF-8. */
  public String stderrTail() {
    return stderrTail;
  }
}
