package dev.eio.internal;

/**
 * What eio knows about one running fiber: its thread, its current cancellation context and its
 * fiber-local values.
 *
 * <p>The current fiber of a thread eio started is kept in that thread's {@link Slot}, which is
 * also its task and its uncaught-exception handler; any other thread (one that entered {@code
 * Eio.run} or {@code Switch.run}, a domain thread) keeps it in a {@code ThreadLocal}. See
 * docs/adr/0003 and 0015. Only the fiber's own thread changes {@link #ctx}, under this object's
 * lock; other threads read it under the same lock.
 */
public class FiberState extends CancelContext.Member {
  /*
   * For threads eio did not start. A forked fiber never touches it: a ThreadLocal map costs 136
   * bytes per thread, a sixth of a parked virtual thread (B6, ADR 15).
   */
  private static final ThreadLocal<FiberState> CURRENT = new ThreadLocal<>();

  /**
   * The record of a fiber whose thread eio starts: the thread's task, and the holder of the
   * thread's current fiber. The thread reaches it through {@link Thread#getUncaughtExceptionHandler},
   * a per-thread slot that exists anyway, so that a fiber needs no {@code ThreadLocal} map (ADR
   * 15). As a handler it behaves as the thread would without it.
   */
  public abstract static class Slot extends FiberState
      implements Runnable, Thread.UncaughtExceptionHandler {
    private FiberState current = this; // read and written only by the slot's own thread

    protected Slot(CancelContext ctx, FiberState parent) {
      super(ctx, parent);
    }

    /** Makes the calling thread (this record's new thread) find its fiber through this slot. */
    protected final void install() {
      Thread.currentThread().setUncaughtExceptionHandler(this);
    }

    @Override
    public final void uncaughtException(Thread t, Throwable e) {
      // What the thread would do had no handler been set.
      t.getThreadGroup().uncaughtException(t, e);
    }
  }

  Thread thread; // final in effect: set before the fiber starts
  private CancelContext ctx; // written by the fiber's own thread, under this
  /** Fiber-local values: an immutable array of alternating keys and values, shared on fork. */
  private Object[] vars;
  private FiberMonitor monitor;
  /*
   * When the fiber started: System.nanoTime() in units of 2^20 ns (about a millisecond),
   * wrapping. An int, not a long, keeps the record of a forked fiber at 64 bytes (B6); ages read
   * from it are right to a unit for 2^31 units (about 25 days). For a forked fiber, the time of
   * the fork, read on the forking thread (ADR 39).
   */
  private static final int AGE_SHIFT = 20;
  private int started;
  /** This fiber's membership in {@link #ctx}: itself in its first context, a new record later. */
  private CancelContext.Member membership = this;
  /** Delivers cancellation instead of an interrupt while set; see {@link #callCancelledBy}. */
  private Runnable canceller; // guarded by this

  private FiberState(Thread thread, CancelContext ctx, Object[] vars) {
    this.thread = thread;
    this.ctx = ctx;
    this.vars = vars;
  }

  /**
   * For a fiber whose record is also its thread's task (saving an object per parked fiber): the
   * thread is set once it exists, with {@link #bindThread}.
   */
  protected FiberState(CancelContext ctx, FiberState parent) {
    this(null, ctx, parent == null ? null : parent.vars);
    if (parent != null) {
      this.monitor = parent.monitor;
    }
  }

  /** Sets the thread of a record made with the protected constructor, before it starts. */
  protected final void bindThread(Thread t) {
    this.thread = t;
  }

  /** The calling thread's handler: its {@link Slot} when eio started the thread. */
  private static Thread.UncaughtExceptionHandler handler() {
    return Thread.currentThread().getUncaughtExceptionHandler();
  }

  /** The fiber running on this thread, or {@code null} on a thread eio did not start. */
  public static FiberState current() {
    if (handler() instanceof Slot s) {
      return s.current;
    }
    return CURRENT.get();
  }

  /**
   * Makes {@code f} the calling thread's fiber and returns the previous one, to hand back to
   * {@link #restoreCurrent} in a {@code finally}.
   */
  public static FiberState setCurrent(FiberState f) {
    if (handler() instanceof Slot s) {
      FiberState prev = s.current;
      s.current = f;
      return prev;
    }
    FiberState prev = CURRENT.get();
    CURRENT.set(f);
    return prev;
  }

  /** Undoes {@link #setCurrent}; removes the binding entirely when there was none. */
  public static void restoreCurrent(FiberState prev) {
    if (handler() instanceof Slot s) {
      s.current = prev;
    } else if (prev == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(prev);
    }
  }

  /**
   * Runs {@code body} on the calling thread as fiber {@code f}; the binding is removed after, as
   * pool threads are reused.
   */
  public static void runAs(FiberState f, Runnable body) {
    FiberState prev = setCurrent(f);
    try {
      body.run();
    } finally {
      restoreCurrent(prev);
    }
  }

  /** Calls {@code body} on the calling thread as fiber {@code f}. */
  public static <T> T callAs(FiberState f, java.util.concurrent.Callable<T> body) throws Exception {
    FiberState prev = setCurrent(f);
    try {
      return body.call();
    } finally {
      restoreCurrent(prev);
    }
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
    joinContext();
    announceStarted();
  }

  /**
   * Stamps the fiber's start and registers it in its context. A forked fiber's record does this
   * on the forking thread, before its thread starts (ADR 39): the carriers then neither contend
   * on the context's member stack nor read the clock, and cancellation reaches the fiber from
   * the moment the fork returns (an interrupt set before the start is seen by the task's first
   * blocking call). Needs the thread bound.
   */
  protected final void joinContext() {
    started = (int) (System.nanoTime() >> AGE_SHIFT);
    ctx.join(membership);
  }

  /** Takes back {@link #joinContext}, for a fiber whose thread could not be started. */
  protected final void leaveContext() {
    ctx.leave(membership);
  }

  /** Tells the monitor, if any, that this fiber started; on the fiber's own thread. */
  protected final void announceStarted() {
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
    if (ctx != c) {
      return false;
    }
    Runnable k = canceller;
    if (k == null) {
      thread.interrupt();
      return true;
    }
    canceller = null; // once: the fiber is cancelled for good
    try {
      k.run();
    } catch (RuntimeException e) {
      // The blocked call must still end: the interrupt is the JDK's own way to end it.
      thread.interrupt();
    }
    return true;
  }

  /** One blocking call for {@link #callCancelledBy}, throwing only what the call itself does. */
  @FunctionalInterface
  public interface BlockingCall<T, X extends Exception> {
    T call() throws X;
  }

  /**
   * Calls {@code body}, one blocking JDK call, with the calling fiber's cancellation delivered by
   * running {@code canceller} instead of interrupting the thread. The canceller must make the
   * call return or throw (close the channel it waits on, say), without blocking and without
   * taking eio locks: it runs on the cancelling thread, under the cancelled context's lock.
   *
   * <p>Why: some JDK calls lose their result when an interrupt lands just as they complete. An
   * interrupted {@code ServerSocketChannel.accept} that the kernel has already handed a
   * connection throws, and the connection's descriptor is never closed; closing the channel
   * instead makes the same accept either fail or return the connection. An interrupt from outside
   * eio still reaches the call the JDK's way.
   *
   * <p>On a thread that is not a fiber, {@code body} runs unless the thread is interrupted.
   *
   * @throws dev.eio.Cancelled without calling {@code body} when the fiber is already cancelled
   *     (or the thread interrupted), as {@link Interrupts#check} does
   */
  public static <T, X extends Exception> T callCancelledBy(
      Runnable canceller, BlockingCall<T, X> body) throws X {
    FiberState f = current();
    if (f == null) {
      Interrupts.check();
      return body.call();
    }
    synchronized (f) {
      f.canceller = canceller;
    }
    try {
      // After the canceller is in place: a cancellation from now on runs it, an earlier one is
      // seen here.
      Interrupts.check();
      return body.call();
    } finally {
      synchronized (f) {
        f.canceller = null;
      }
    }
  }

  /**
   * The fiber's name in dumps and events: {@code <switch>/<n>} for a fiber a switch forked
   * (whose thread is named after the switch alone), its thread's name otherwise.
   */
  public String name() {
    return thread.getName();
  }

  /**
   * The name of {@code t} in eio's messages: its fiber's {@link #name()} when eio started the
   * thread, its thread name otherwise.
   */
  public static String nameOf(Thread t) {
    return t.getUncaughtExceptionHandler() instanceof Slot s ? s.name() : t.getName();
  }

  /**
   * How long this fiber has run at {@code now} (a {@link System#nanoTime()} reading), in
   * nanoseconds, to about a millisecond.
   */
  public long ageNanos(long now) {
    return (long) ((int) (now >> AGE_SHIFT) - started) << AGE_SHIFT;
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
