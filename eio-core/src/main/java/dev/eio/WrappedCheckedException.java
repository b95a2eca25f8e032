package dev.eio;

/**
 * Carries a checked exception thrown by user code through eio's unchecked API.
 *
 * <p>eio throws unchecked exceptions only. When a task, body or hook throws a checked exception,
 * it is wrapped exactly once in a {@code WrappedCheckedException} whose {@link #getCause() cause}
 * is the original; unchecked exceptions and errors pass through as the same object.
 *
 * <p>To catch the original by its own type, let {@link #unwrap} rethrow it, or call {@link
 * #rethrowIf} in a handler:
 *
 * <pre>{@code
 * try {
 *   WrappedCheckedException.unwrap(IOException.class, () -> Fiber.map(paths, 4, Files::readString));
 * } catch (IOException e) {
 *   // the IOException a fiber threw, as itself
 * }
 *
 * try {
 *   Switch.run(sw -> sw.fork(() -> Files.readString(path)));
 * } catch (WrappedCheckedException e) {
 *   e.rethrowIf(IOException.class);
 *   throw e;
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

  /**
   * Throws the original exception when it is a {@code type}; returns otherwise.
   *
   * @throws X the cause, when it is a {@code type}
   */
  public <X extends Exception> void rethrowIf(Class<X> type) throws X {
    if (type == null) {
      throw new NullPointerException("type");
    }
    Throwable cause = getCause();
    if (type.isInstance(cause)) {
      throw type.cast(cause);
    }
  }

  /**
   * Runs {@code body} and returns its value; a {@code WrappedCheckedException} it throws whose
   * cause is a {@code type} is replaced by that cause, so callers catch it by its own type.
   *
   * @throws X the checked exception a fiber (or the body) threw, unwrapped
   */
  public static <T, X extends Exception> T unwrap(
      Class<X> type, java.util.function.Supplier<? extends T> body) throws X {
    if (type == null) {
      throw new NullPointerException("type");
    }
    if (body == null) {
      throw new NullPointerException("body");
    }
    try {
      return body.get();
    } catch (WrappedCheckedException e) {
      e.rethrowIf(type);
      throw e;
    }
  }
}
