package dev.eio.workers;

import java.util.OptionalInt;

/**
 * The worker JVM running a task died before replying: it called {@code System.exit} or {@code
 * Runtime.halt}, was killed, ran out of memory (workers run with {@code
 * -XX:+ExitOnOutOfMemoryError}) or crashed. The message names the worker, its process id and how
 * it died, followed by the last lines it wrote to stderr.
 *
 * <p>A {@link WorkerPool} replaces the dead worker before its next task; the task that was running
 * is not retried (it may have had effects).
 */
public final class WorkerCrashedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String worker;
  private final long pid;
  private final Integer exitStatus;

  /** A crash of {@code worker} (process {@code pid}), with its exit status when known. */
  public WorkerCrashedException(String message, String worker, long pid, Integer exitStatus) {
    super(message);
    this.worker = worker;
    this.pid = pid;
    this.exitStatus = exitStatus;
  }

  /** The worker's name, as in its stderr prefix. */
  public String worker() {
    return worker;
  }

  /** The worker's process id. */
  public long pid() {
    return pid;
  }

  /** The worker's exit status; 128 + n when signal n killed it (137 for {@code kill -9}). */
  public OptionalInt exitStatus() {
    return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
  }
}
