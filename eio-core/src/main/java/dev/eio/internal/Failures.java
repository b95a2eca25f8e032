package dev.eio.internal;

import dev.eio.Cancelled;
import dev.eio.WrappedCheckedException;

/**
 * Collects the outcome of a group of fibers by eio's rules: the first real failure wins and is
 * rethrown as the same object, later real failures are attached to it as suppressed, and a
 * {@link Cancelled} counts only when there is no real failure. Cancellations caused by the
 * group's own benign stop (daemons at the end, losers of a race) are dropped entirely.
 */
public final class Failures {
  // Volatile so that the common case, many cancelled fibers reporting after the first outcome is
  // known, is decided without taking the lock (thousands of fibers end at once on cancellation).
  private volatile RuntimeException primary;
  private volatile Error primaryError;
  private volatile Cancelled cancelled;
  private volatile Throwable ignored1;
  private volatile Throwable ignored2;

  /**
   * Declares {@code reason} benign: a {@link Cancelled} carrying it is not recorded. Call it before
   * cancelling with that reason.
   */
  public synchronized void ignore(Throwable reason) {
    if (ignored1 == null) {
      ignored1 = reason;
    } else {
      ignored2 = reason;
    }
  }

  /**
   * Records {@code t}, thrown by a fiber that ran in {@code ctx}. A cancellation (a {@link
   * Cancelled} or an {@link InterruptedException}) is dropped when {@code ctx} was stopped for a
   * benign reason, whatever the exception carries: user code may rethrow it in its own way. Any
   * exception caused by an interrupt or cancellation, thrown while {@code ctx} is cancelled,
   * counts as that cancellation ({@link Interrupts#asCancellation}).
   *
   * @return the reason to cancel the group with, or {@code null} when {@code t} was dropped: the
   *     first real failure, otherwise {@code t} itself (an escaping cancellation also cancels the
   *     group, as in Eio; cancelling an already cancelled context does nothing)
   */
  public Throwable add(Throwable t, CancelContext ctx) {
    t = Interrupts.asCancellation(t, ctx);
    if (t instanceof InterruptedException ie) {
      t = new Cancelled(ie);
    }
    if (t instanceof Cancelled c) {
      if (isIgnored(c.reason()) || (ctx != null && isIgnored(ctx.reason()))) {
        return null;
      }
      Throwable first = failure();
      if (first != null) {
        return first;
      }
      Cancelled known = cancelled;
      if (known != null) {
        return known;
      }
      synchronized (this) {
        if (cancelled == null) {
          cancelled = c;
        }
        first = failure();
      }
      return first != null ? first : c;
    }
    return addFailure(t);
  }

  private synchronized Throwable addFailure(Throwable t) {
    Throwable first = failure();
    if (first == null) {
      if (t instanceof Error e) {
        primaryError = e;
      } else {
        primary = WrappedCheckedException.wrapChecked(t);
      }
      return failure();
    }
    if (first != t && unwrap(first) != t) {
      first.addSuppressed(t);
    }
    return first;
  }

  private boolean isIgnored(Throwable reason) {
    return reason != null && (reason == ignored1 || reason == ignored2);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof WrappedCheckedException w ? w.getCause() : t;
  }

  /** The first real failure recorded, or {@code null}. */
  public Throwable failure() {
    return primaryError != null ? primaryError : primary;
  }

  /** Throws what the group must throw by the rules above, or returns when nothing failed. */
  public synchronized void throwIfFailed() {
    if (primaryError != null) {
      throw primaryError;
    }
    if (primary != null) {
      throw primary;
    }
    if (cancelled != null) {
      throw cancelled;
    }
  }

  /** Whether anything (a real failure or a cancellation that counts) was recorded. */
  public synchronized boolean any() {
    return primaryError != null || primary != null || cancelled != null;
  }
}
