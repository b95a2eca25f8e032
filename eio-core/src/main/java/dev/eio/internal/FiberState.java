package dev.eio.internal;

/**
 * What eio knows about one running fiber: its thread, its current cancellation context and its
 * fiber-local values.
 *
 * <p>The current fiber is found through a {@link ScopedValue} bound when the fiber starts (or
 * when a plain thread enters {@code Switch.run}). Only the fiber's own thread changes {@link
 * #ctx}; other threads read it only through the context's fiber list, under the context's lock.
 */
public final class FiberState extends CancelContext.Member {
  public static final ScopedValue<FiberState> CURRENT = ScopedValue.newInstance();

  final Thread thread;
  private CancelContext ctx; // written by the fiber's own thread, under this
  /** Fiber-local values: an immutable array of alternating keys and values, shared on fork. */
  private Object[] vars;
  private FiberMonitor monitor;
  private final long startNanos = System.nanoTime();
  /** This fiber's membership in {@link #ctx}: itself in its first context, a new record later. */
  private CancelContext.Member membership = this;

  private FiberState(Thread thread, CancelContext ctx, Object[] vars) {
    this.thread = thread;
    this.ctx = ctx;
    this.vars = vars;
  }

  /** The fiber running on this thread, or {@code null} on a thread eio did not start. */
  public static FiberState current() {
    return CURRENT.isBound() ? CURRENT.get() : null;
  }

  /**
   * Makes a fiber record for {@code thread} (not yet started, or the calling thread), inheriting
   * {@code parent}'s fiber-local values and monitor ({@code parent} may be {@code null}); it
   * joins {@code ctx} when it {@linkplain #attach() attaches}.
   */
  public static FiberState create(Thread thread, CancelContext ctx, FiberState parent) {
    FiberState f = new FiberState(thread, ctx, parent == null ? null : parent.vars);
    if (parent != null) {
      f.monitor = parent.monitor;
    }
    return f;
  }

  /**
   * Registers this fiber in its context and tells the monitor; called on the fiber's own thread
   * when it starts.
   */
  public void attach() {
    ctx.join(membership);
    if (monitor != null) {
      monitor.started(this);
    }
  }

  /** Unregisters this fiber from its context; called on the fiber's own thread when it ends. */
  public void detach() {
    if (monitor != null) {
      monitor.ended(this);
    }
    ctx.leave(membership);
  }

  @Override
  FiberState fiber() {
    return this;
  }

  /**
   * Interrupts this fiber if it is still in {@code c}; see {@link CancelContext#cancel}.
   *
   * @return whether it was interrupted
   */
  synchronized boolean interruptIfIn(CancelContext c) {
    if (ctx == c) {
      thread.interrupt();
      return true;
    }
    return false;
  }

  /** When this fiber record was made, in {@link System#nanoTime()} units. */
  public long startNanos() {
    return startNanos;
  }

  /** The monitor of this fiber's run, or {@code null}. */
  public FiberMonitor monitor() {
    return monitor;
  }

  /** Installs {@code m} for this fiber and every fiber forked below it from now on. */
  public void setMonitor(FiberMonitor m) {
    this.monitor = m;
  }

  public CancelContext ctx() {
    return ctx;
  }

  public Thread thread() {
    return thread;
  }

  public Object[] vars() {
    return vars;
  }

  public void setVars(Object[] vars) {
    this.vars = vars;
  }

  /**
   * Moves this fiber (the calling thread) into {@code next} and returns the context it left. The
   * interrupt status is reset to match {@code next}: cleared, then set again when {@code next}
   * is cancelled, so a cancellation of the left context does not leak into a protected region
   * and a sub-context's cancellation does not leak back into its parent.
   */
  public CancelContext enter(CancelContext next) {
    CancelContext prev = ctx;
    prev.leave(membership);
    synchronized (this) {
      ctx = next;
    }
    // Any interrupt from prev was delivered before the lock above was released.
    Thread.interrupted();
    membership = new CancelContext.Moved(this);
    next.join(membership);
    return prev;
  }
}
