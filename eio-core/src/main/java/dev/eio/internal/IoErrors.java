package dev.eio.internal;

import dev.eio.Cancelled;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Maps a JDK {@link IOException} to what eio's byte flows throw: {@link Cancelled} when the I/O
 * failed because the calling fiber was cancelled, {@link UncheckedIOException} otherwise.
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * The unchecked exception to throw for {@code e}, raised by I/O on the calling thread.
   *
   * <p>Cancellation interrupts the fiber, and the JDK reacts by closing the channel: the
   * resulting {@link ClosedByInterruptException}, or any I/O error seen while the fiber is
   * cancelled (an {@link InterruptedIOException}, a stream whose socket the interrupt closed, an
   * {@link AsynchronousCloseException}) is a cancellation, not an I/O failure. The original
   * exception is kept as a suppressed exception so the closed channel is explained. An {@link
   * InterruptedIOException} of a fiber that is not cancelled, such as a {@link
   * java.net.SocketTimeoutException} from a timed read, stays an I/O failure.
   */
  public static RuntimeException unchecked(IOException e) {
    if (e instanceof ClosedByInterruptException || cancelled()) {
      Cancelled c = Interrupts.cancelledByInterrupt(null);
      c.addSuppressed(e);
      return c;
    }
    return new UncheckedIOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
  }

  private static boolean cancelled() {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    FiberState f = FiberState.current();
    return f != null && f.ctx().isCancelled();
  }
}
