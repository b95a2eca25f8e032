package dev.eio.workers;

/**
 * A task's exception that could not be rebuilt in the parent (its class is refused by the codec,
 * or it could not be encoded in the worker). It carries the remote class name, message and stack
 * trace; the reason it could not be rebuilt is attached as a suppressed exception.
 *
 * <p>Exceptions that can be rebuilt are thrown as themselves, with the same class, message and
 * remote stack trace.
 */
public final class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;

  /** An exception of class {@code remoteClassName} thrown in {@code worker}. */
  public RemoteTaskException(String remoteClassName, String message, String worker) {
    super(remoteClassName + (message == null ? "" : ": " + message) + " (in worker " + worker + ")");
    this.remoteClassName = remoteClassName;
  }

  /** The class name of the exception the task threw. */
  public String remoteClassName() {
    return remoteClassName;
  }
}
