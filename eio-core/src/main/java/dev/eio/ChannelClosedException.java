package dev.eio;

/**
 * Thrown when a {@link Channel} can no longer complete an operation: a send on a channel that was
 * closed or failed, or a receive on a channel that was closed and has been drained, or that
 * failed.
 *
 * <p>{@link #getCause()} is the exception given to {@link Channel#fail(Throwable)}, or {@code
 * null} after a plain {@link Channel#close()}; a consumer tells "done" from "broken" that way.
 *
 * <pre>{@code
 * try {
 *   T item = ch.receive();
 * } catch (ChannelClosedException e) {
 *   if (e.getCause() != null) throw e;  // the producer failed
 *   // otherwise: done, everything sent was received
 * }
 * }</pre>
 */
public class ChannelClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with {@code message} and the failure that closed the channel ({@code
   * null} for a plain close).
   */
  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
