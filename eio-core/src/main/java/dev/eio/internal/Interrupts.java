package dev.eio.internal;

import dev.eio.Cancelled;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;

/** Turns thread interrupts into {@link Cancelled}, the one way eio reports cancellation. */
public final class Interrupts {
  private Interrupts() {}

  /** Throws {@link Cancelled} when the calling fiber is cancelled (or the thread interrupted). */
  public static void check() {
    FiberState f = FiberState.current();
    if (f != null) {
      f.ctx().check();
    }
    if (Thread.currentThread().isInterrupted()) {
      throw cancelledByInterrupt(null);
    }
  }

  /**
   * The {@link Cancelled} to throw once the calling thread saw an interrupt (its status cleared or
   * an {@link InterruptedException}). The interrupt status is set again, so JDK blocking code that
   * runs next (clean-up in a {@code finally}) also sees the cancellation; a protected region
   * clears it.
   */
  public static Cancelled cancelledByInterrupt(InterruptedException cause) {
    Thread.currentThread().interrupt();
    FiberState f = FiberState.current();
    Throwable reason = f == null ? null : f.ctx().reason();
    if (reason != null) {
      return CancelContext.cancelled(reason);
    }
    return cause != null ? new Cancelled(cause) : new Cancelled("interrupted");
  }

  /**
   * Whether {@code t} reports an interrupt or a cancellation somewhere in its chain of causes:
   * an {@link InterruptedException}, {@link InterruptedIOException}, {@link
   * ClosedByInterruptException} or {@link Cancelled}, at any depth. User code commonly wraps
   * these ({@code throw new RuntimeException(e)}), which must not turn a cancellation into a
   * failure.
   */
  public static boolean causedByCancellation(Throwable t) {
    int depth = 0;
    // Bounded: a cause chain may be cyclic (Throwable forbids only self-causation).
    for (Throwable c = t; c != null && depth < 64; c = c.getCause(), depth++) {
      if (c instanceof InterruptedException
          || c instanceof InterruptedIOException
          || c instanceof ClosedByInterruptException
          || c instanceof Cancelled) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cancellation rule for an exception {@code t} escaping code that ran in {@code ctx}: when
   * {@code ctx} is cancelled and {@code t} is caused by an interrupt or cancellation, {@code t}
   * counts as that cancellation and a {@link Cancelled} carrying the context's reason is
   * returned, with {@code t} attached as suppressed so its trace is kept; otherwise {@code t}.
   */
  public static Throwable asCancellation(Throwable t, CancelContext ctx) {
    if (t instanceof Cancelled || ctx == null) {
      return t;
    }
    Throwable reason = ctx.reason();
    if (reason == null || !causedByCancellation(t)) {
      return t;
    }
    Cancelled c = CancelContext.cancelled(reason);
    c.addSuppressed(t);
    return c;
  }
}
