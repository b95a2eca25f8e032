package dev.eio.internal;

import dev.eio.Cancelled;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of the cancellation tree: switch contexts, {@code Cancel.sub} and {@code Cancel.protect}
 * regions.
 *
 * <p>Cancellation propagates eagerly down to every non-protected descendant, so a fiber only ever
 * reads its own current context's {@link #reason()} to know whether it is cancelled. Delivery to a
 * fiber blocked in JDK code is {@link Thread#interrupt()}, done under this context's lock so that
 * a fiber moving to another context (for example into a protected region, which clears the
 * interrupt status) can never receive an interrupt meant for the context it left.
 */
public final class CancelContext {
  private final CancelContext parent;
  private final boolean protectedFromParent;
  private volatile Throwable reason;
  // Both guarded by this.
  private List<CancelContext> children;
  private FiberState fibers;

  private CancelContext(CancelContext parent, boolean protectedFromParent) {
    this.parent = parent;
    this.protectedFromParent = protectedFromParent;
  }

  /** A fresh root context, cancelled by nobody but its owner. */
  public static CancelContext root() {
    return new CancelContext(null, true);
  }

  /**
   * Creates a child. A non-protected child of a cancelled context starts cancelled; a protected
   * one ignores the parent's cancellation.
   */
  public CancelContext child(boolean isProtected) {
    CancelContext c = new CancelContext(this, isProtected);
    synchronized (this) {
      if (!isProtected && reason != null) {
        c.reason = reason;
      }
      if (children == null) {
        children = new ArrayList<>(4);
      }
      children.add(c);
    }
    return c;
  }

  /** Unlinks this context from its parent once nothing runs in it any more. */
  public void detach() {
    if (parent != null) {
      synchronized (parent) {
        List<CancelContext> siblings = parent.children;
        if (siblings != null) {
          // Most recent children are detached first (nested regions), so search from the end.
          for (int i = siblings.size() - 1; i >= 0; i--) {
            if (siblings.get(i) == this) {
              siblings.remove(i);
              break;
            }
          }
        }
      }
    }
  }

  public CancelContext parent() {
    return parent;
  }

  /** Why this context was cancelled, or {@code null} while it is not. */
  public Throwable reason() {
    return reason;
  }

  public boolean isCancelled() {
    return reason != null;
  }

  /** Throws {@link Cancelled} when this context is cancelled. */
  public void check() {
    Throwable r = reason;
    if (r != null) {
      throw cancelled(r);
    }
  }

  /** The {@link Cancelled} that reports a cancellation for {@code reason}. */
  public static Cancelled cancelled(Throwable reason) {
    return new Cancelled(reason);
  }

  /** Whether {@code ancestor} is this context or one of its ancestors. */
  public boolean isWithin(CancelContext ancestor) {
    for (CancelContext c = this; c != null; c = c.parent) {
      if (c == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cancels this context and every non-protected descendant, interrupting the fibers running in
   * them. Only the first cancellation counts.
   *
   * @return whether this call cancelled the context
   */
  public boolean cancel(Throwable why) {
    if (why == null) {
      throw new NullPointerException("reason");
    }
    List<CancelContext> kids;
    synchronized (this) {
      if (reason != null) {
        return false;
      }
      reason = why;
      for (FiberState f = fibers; f != null; f = f.ctxNext) {
        f.thread.interrupt();
      }
      kids = children == null ? null : new ArrayList<>(children);
    }
    if (kids != null) {
      for (CancelContext k : kids) {
        if (!k.protectedFromParent) {
          k.cancel(why);
        }
      }
    }
    return true;
  }

  /**
   * Registers {@code f} as running here. When this context is already cancelled the fiber's
   * interrupt status is set, so its next blocking operation sees the cancellation.
   */
  void addFiber(FiberState f) {
    synchronized (this) {
      f.ctxPrev = null;
      f.ctxNext = fibers;
      if (fibers != null) {
        fibers.ctxPrev = f;
      }
      fibers = f;
      if (reason != null) {
        f.thread.interrupt();
      }
    }
  }

  void removeFiber(FiberState f) {
    synchronized (this) {
      if (f.ctxPrev != null) {
        f.ctxPrev.ctxNext = f.ctxNext;
      } else if (fibers == f) {
        fibers = f.ctxNext;
      }
      if (f.ctxNext != null) {
        f.ctxNext.ctxPrev = f.ctxPrev;
      }
      f.ctxPrev = null;
      f.ctxNext = null;
    }
  }
}
