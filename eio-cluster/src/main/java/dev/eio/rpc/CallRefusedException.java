package dev.eio.rpc;

/**
 * The server refused an RPC call before running any of it: no such service where the call went,
 * no method with that name and those parameter types in the served interface, or arguments that
 * do not fit the method. The message says which.
 *
 * <p>Arguments the server's codec refuses (a class off its allow-list, a value over its {@code
 * DecodeLimits}) fail the call with {@link dev.eio.workers.CodecException} instead, also before
 * any code of theirs ran.
 */
public final class CallRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A refusal saying {@code message}. */
  public CallRefusedException(String message) {
    super(message);
  }
}
