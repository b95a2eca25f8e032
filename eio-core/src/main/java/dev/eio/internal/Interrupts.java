package dev.eio.internal;

import dev.eio.Cancelled;

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
}
