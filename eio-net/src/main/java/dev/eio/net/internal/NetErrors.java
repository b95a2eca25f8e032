package dev.eio.net.internal;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;

/**
 * Maps the JDK's socket exceptions to eio's: a socket closed under a blocked call (by the
 * interrupt that delivers cancellation, or by its owner closing it) is {@link Cancelled}; any
 * other failure is an {@link UncheckedIOException}.
 */
public final class NetErrors {
  private NetErrors() {}

  /**
   * The unchecked exception for {@code e}, raised by a blocking socket call of the calling fiber.
   * {@code what} prefixes the message of an I/O failure (such as the peer's address).
   */
  public static RuntimeException unchecked(IOException e, String what) {
    // ClosedByInterruptException is an AsynchronousCloseException: both mean the call did not
    // fail on its own, the socket was closed under it.
    if (e instanceof AsynchronousCloseException || Fiber.isCancelled()) {
      Cancelled c;
      try {
        Fiber.check();
        // Closed by its owner while this fiber is not cancelled: the operation was cancelled.
        c = new Cancelled(e);
      } catch (Cancelled fromContext) {
        c = fromContext;
      }
      c.addSuppressed(e);
      return c;
    }
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    return new UncheckedIOException(what == null ? msg : what + ": " + msg, e);
  }
}
