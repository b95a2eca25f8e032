package dev.eio;

/**
 * Carries a checked exception thrown by user code through eio's unchecked API.
 *
 * <p>eio throws unchecked exceptions only. When a task, body or hook throws a checked exception,
 * it is wrapped exactly once in a {@code WrappedCheckedException} whose {@link #getCause() cause}
 * is the original; unchecked exceptions and errors pass through as the same object.
 *
 * <pre>{@code
 * try {
 *   Switch.run(sw -> sw.fork(() -> Files.readString(path)));
 * } catch (WrappedCheckedException e) {
 *   if (e.getCause() instanceof IOException io) ...
 * }
 * }</pre>
 */
public final class WrappedCheckedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps {@code cause}, a checked exception thrown by user code.
   *
   * @param cause the original exception
   */
  public WrappedCheckedException(Throwable cause) {
    super(cause.toString(), cause);
  }

  /**
   * Returns {@code t} itself when it is a {@link RuntimeException}, otherwise {@code t} wrapped
   * once ({@link InterruptedException} becomes {@link Cancelled}). Errors are not passed here.
   *
   * @param t an exception thrown by user code
   * @return an unchecked exception to throw in its place
   */
  public static RuntimeException wrapChecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof InterruptedException ie) {
      return new Cancelled(ie);
    }
    return new WrappedCheckedException(t);
  }
}
