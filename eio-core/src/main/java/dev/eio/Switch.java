package dev.eio;

import dev.eio.internal.CancelContext;
import dev.eio.internal.ContextPropagation;
import dev.eio.internal.Failures;
import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import dev.eio.internal.Interrupts;
import dev.eio.internal.Stats;
import dev.eio.internal.TreeDump;
import dev.eio.internal.events.FiberFailedEvent;
import dev.eio.internal.events.SwitchClosedEvent;
import dev.eio.internal.events.SwitchOpenedEvent;
import java.util.concurrent.Callable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A scope that owns fibers and resources: {@link #run Switch.run} returns only once every fiber
 * forked into the switch has ended and every release hook has run.
 *
 * <p><b>Guarantees.</b>
 *
 * <ul>
 *   <li>No fiber outlives its switch: {@code run} waits for every non-daemon fiber; when only
 *       daemon fibers remain the whole switch is cancelled (a benign stop, not reported as a
 *       failure) and they are waited for. Forks into the switch are refused from then on, so a
 *       daemon's clean-up cannot keep the switch open (as in Eio).
 *   <li>The first real failure (of the body, a forked fiber, a release hook, or {@link #fail})
 *       cancels the switch and is rethrown by {@code run} as the same object; later failures are
 *       attached with {@link Throwable#addSuppressed}; {@link Cancelled} is dropped when a real
 *       failure exists. Checked exceptions are wrapped once in {@link WrappedCheckedException}.
 *   <li>Release hooks run last-registered first, exactly once each, protected from cancellation,
 *       even when one throws. Fibers a hook forks are waited for too.
 *   <li>Any fiber in the switch's tree (the body, fibers forked into it, fibers of switches nested
 *       inside) may fork into it; another thread gets a {@link WrongThreadException}. Forking into
 *       a finished switch is an {@link IllegalStateException}; a child forked into a failed or
 *       cancelled switch never runs.
 * </ul>
 *
 * <p><b>Cancellation.</b> The body and the fibers run in the switch's cancellation context,
 * which is a child of the caller's: cancelling the caller cancels the switch; a failure in the
 * switch cancels only the switch. {@link #runProtected} ignores the caller's cancellation.
 *
 * <p>Fibers are virtual threads named after the switch; dumps and events list them as {@code
 * <switch-name>/<n>}.
 *
 * <pre>{@code
 * Switch.run("server", sw -> {
 *   var conn = openConnection();
 *   sw.onRelease(conn::close);                // runs when the switch ends, whatever happens
 *   sw.fork(() -> pump(conn));                // a fiber; run waits for it
 *   sw.forkDaemon(() -> heartbeat(conn));     // cancelled once only daemons remain
 * });
 * }</pre>
 */
public final class Switch {
  /** The body of {@link #run(Action)}: uses the switch, returns nothing. */
  @FunctionalInterface
  public interface Action {
    /** Runs with {@code sw} open. */
    void run(Switch sw) throws Exception;
  }

  /** The body of {@link #call(Body)}: uses the switch and returns a value. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs with {@code sw} open and returns the value {@code call} returns. */
    T call(Switch sw) throws Exception;
  }

  /** The handle {@link #onRelease} returns, to take a hook back before it runs. */
  public interface ReleaseHandle {
    /**
     * Removes the hook if it has not run yet.
     *
     * @return whether the hook was removed (so it will never run)
     */
    boolean remove();
  }

  private enum State {
    OPEN,
    RELEASING,
    FINISHED
  }

  private static final AtomicLong IDS = new AtomicLong();
  private static final VarHandle FORKS;
  private static final VarHandle DAEMONS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      FORKS = l.findVarHandle(Switch.class, "forks", long.class);
      DAEMONS = l.findVarHandle(Switch.class, "daemons", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  /*
   * Makes this switch's virtual threads, all named after the switch: one shared String, set as
   * the thread is built, so a fork neither formats a name nor takes the thread's lock to set it
   * (B1), and a parked fiber holds no name of its own (B6). Dumps number the fibers themselves,
   * <switch>/<n>, from the fiber record. Made at the first fork; a racing second one is harmless.
   */
  private ThreadFactory threads;

  private final String name;
  private final CancelContext ctx;
  private final long openedNanos = System.nanoTime();
  private final Failures failures = new Failures();
  /*
   * The non-daemon fibers and the fork count in one word, so that a fork takes no lock (B1): the
   * low 32 bits count the running non-daemon fibers, bits 32 to 62 count forks of either kind
   * (the fibers' numbers, wrapping after 2^31 forks), and the sign bit marks the switch finished,
   * set by one CAS that also sees no fiber running, so no fork slips past the finish.
   */
  private volatile long forks;
  private static final long RUNNING = 0xFFFF_FFFFL;
  private static final long ONE_FORK = 1L << 32;
  private static final long FINISHED = Long.MIN_VALUE;
  // Forks are added to the process-wide counter in batches of this many (a power of two), by
  // the forking fiber, with the rest when the switch finishes: a striped add per fork cost about
  // 20 of the forking thread's 140 ns per fork (B1).
  private static final int STATS_BATCH = 64;
  // Daemons count up under this and down without a lock.
  private volatile int daemons;
  private volatile Thread waiter;
  // The rest is guarded by this.
  private State state = State.OPEN;
  private CancelContext daemonCtx;
  private Hook hooks;

  private Switch(String name, CancelContext parent, boolean isProtected) {
    this.name = name;
    this.ctx = parent.child(isProtected, (java.util.function.Supplier<String>) this::describe);
  }

  private String describe() {
    String st;
    synchronized (this) {
      st = state.name().toLowerCase();
    }
    return "switch " + name + " (" + st + ", " + TreeDump.age(System.nanoTime() - openedNanos) + ")";
  }

  // ---------------------------------------------------------------- entry points

  /**
   * Runs {@code body} with a new switch and returns once the switch has finished.
   *
   * @throws RuntimeException the switch's first failure, or {@link Cancelled}
   */
  public static void run(Action body) {
    run(null, body);
  }

  /**
   * Like {@link #run(Action)}, naming the switch: its fibers' threads are named {@code name},
   * and dumps list them as {@code name/n}.
   */
  public static void run(String name, Action body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    call(
        name,
        sw -> {
          body.run(sw);
          return null;
        });
  }

  /** Like {@link #run(Action)} for a body that returns a value, which is returned. */
  public static <T> T call(Body<T> body) {
    return call(null, body);
  }

  /** Like {@link #call(Body)}, naming the switch. */
  public static <T> T call(String name, Body<T> body) {
    return open(name, body, false);
  }

  /**
   * Like {@link #run(Action)}, but the switch is not cancelled when the caller is: for work that
   * must finish (flushing, saving state) even while the surrounding code is being cancelled.
   */
  public static void runProtected(Action body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    open(
        null,
        sw -> {
          body.run(sw);
          return null;
        },
        true);
  }

  /** Like {@link #runProtected(Action)} for a body that returns a value. */
  public static <T> T callProtected(Body<T> body) {
    return open(null, body, true);
  }

  private static <T> T open(String name, Body<T> body, boolean isProtected) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    String n = name != null ? name : "switch-" + IDS.incrementAndGet();
    FiberState f = FiberState.current();
    if (f != null) {
      return runIn(f, n, body, isProtected);
    }
    return RootFiber.call(root -> runIn(root, n, body, isProtected));
  }

  private static <T> T runIn(FiberState f, String name, Body<T> body, boolean isProtected) {
    Switch sw = new Switch(name, f.ctx(), isProtected);
    Stats.SWITCHES_OPENED.increment();
    SwitchOpenedEvent opened = new SwitchOpenedEvent();
    if (opened.shouldCommit()) {
      opened.switchName = name;
      opened.commit();
    }
    SwitchClosedEvent closed = new SwitchClosedEvent();
    closed.begin();
    CancelContext outer = f.enter(sw.ctx);
    T result = null;
    try {
      result = body.call(sw);
    } catch (Throwable t) {
      sw.failed(t);
    }
    boolean interrupted = sw.finish(f);
    f.enter(outer);
    sw.ctx.detach();
    Stats.SWITCHES_CLOSED.increment();
    if (closed.shouldCommit()) {
      closed.switchName = name;
      Throwable failure = sw.failures.failure();
      closed.outcome =
          failure != null ? "failed: " + failure : sw.failures.any() ? "cancelled" : "ok";
      closed.fibersForked = forkCount(sw.forks);
      closed.commit();
    }
    if (interrupted && f.ctx().parent() == null && !f.thread().isVirtual()) {
      // A plain thread's interrupt cancelled the switch; leave the status set for its caller.
      Thread.currentThread().interrupt();
    }
    sw.failures.throwIfFailed();
    return result;
  }

  // ---------------------------------------------------------------- forking

  /**
   * Starts {@code task} in a new fiber of this switch. A failure of the task fails the switch.
   * From the moment this returns the fiber is in the switch: listed by {@link #dump()} and
   * reached by the switch's cancellation, even before its thread has run.
   *
   * @throws WrongThreadException when the caller is not in this switch's tree
   * @throws IllegalStateException when the switch has finished
   */
  public void fork(Task task) {
    start(requireTask(task), false, null);
  }

  /**
   * Starts {@code task} in a daemon fiber: the switch does not wait for it, but cancels it once
   * every non-daemon fiber has ended, and waits for it to stop. A failure still fails the switch.
   */
  public void forkDaemon(Task task) {
    start(requireTask(task), true, null);
  }

  /**
   * Starts {@code task} in a new fiber and returns a promise of its result. A failure of the task
   * goes into the promise and does not fail the switch.
   */
  public <T> Promise<T> forkPromise(Callable<T> task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    Promise<T> p = Promise.create();
    start(task, false, p);
    return p;
  }

  private static Task requireTask(Task task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    return task;
  }

  private void start(Object task, boolean daemon, Promise<?> promise) {
    FiberState caller = FiberState.current();
    // The caller's chain of contexts only changes on its own thread: check it before counting.
    boolean inTree = caller != null && caller.ctx().isWithin(ctx);
    CancelContext target;
    long w;
    long next;
    if (daemon) {
      synchronized (this) {
        checkForkable(forks, inTree);
        target = daemonContext();
        if (refused(target, promise)) {
          return;
        }
        DAEMONS.getAndAdd(this, 1);
        do {
          w = forks;
          next = nextFork(w, 0);
        } while (!FORKS.compareAndSet(this, w, next));
      }
    } else {
      target = ctx;
      do {
        w = forks;
        checkForkable(w, inTree);
        if (refused(target, promise)) {
          return;
        }
        next = nextFork(w, 1);
      } while (!FORKS.compareAndSet(this, w, next));
    }
    int n = forkCount(next);
    if ((n & (STATS_BATCH - 1)) == 0) {
      Stats.FIBERS_STARTED.add(STATS_BATCH);
    }
    FiberRun run = new FiberRun(this, target, caller, task, daemon, promise, n);
    try {
      ThreadFactory tf = threads;
      if (tf == null) {
        threads = tf = Thread.ofVirtual().name(name).factory();
      }
      Thread t = tf.newThread(run);
      run.admit(t);
      FiberMonitor m = run.monitor();
      if (m != null) {
        m.starting(t);
      }
      try {
        t.start();
      } catch (Throwable e) {
        run.withdraw();
        throw e;
      }
    } catch (Throwable e) {
      ended(daemon);
      throw e;
    }
  }

  /** {@code w} with one more fork counted and {@code running} more fibers running. */
  private static long nextFork(long w, int running) {
    // Clearing the sign bit wraps the fork count: w itself is never finished here.
    return ((w + ONE_FORK) & ~FINISHED) + running;
  }

  private static int forkCount(long w) {
    return (int) ((w & ~FINISHED) >>> 32);
  }

  private static int running(long w) {
    return (int) (w & RUNNING);
  }

  private void checkForkable(long w, boolean inTree) {
    if (w < 0) {
      throw new IllegalStateException("switch '" + name + "' has finished: cannot fork into it");
    }
    if (!inTree) {
      throw new WrongThreadException(
          "cannot fork into switch '"
              + name
              + "' from thread '"
              + FiberState.nameOf(Thread.currentThread())
              + "': only fibers of the switch's tree may fork into it");
    }
  }

  /** Whether a fork into {@code target} is refused (it is cancelled); fails the promise if so. */
  private static boolean refused(CancelContext target, Promise<?> promise) {
    if (!target.isCancelled()) {
      return false;
    }
    if (promise != null) {
      promise.tryFail(CancelContext.cancelled(target.reason()));
    }
    return true;
  }

  private CancelContext daemonContext() {
    if (daemonCtx == null) {
      daemonCtx = ctx.child(false, "daemons of switch " + name);
    }
    return daemonCtx;
  }

  /**
   * A forked fiber: its record, its virtual thread's task and the slot its thread finds it by, in
   * one object (B6: memory per parked fiber).
   */
  private static final class FiberRun extends FiberState.Slot {
    private final Switch sw;
    // The Task, or a Promised for forkPromise; wrapped in a Carried when the forker had a
    // ThreadLocal context to carry. Both are rarer than a plain fork, and a field for each would
    // cost every parked fiber 4 bytes more (the record is 64 bytes, B6).
    private final Object task;
    private final boolean daemon;
    private final int number; // n in the fiber's name in dumps, <switch>/<n>

    FiberRun(
        Switch sw,
        CancelContext ctx,
        FiberState parent,
        Object task,
        boolean daemon,
        Promise<?> promise,
        int number) {
      super(ctx, parent);
      this.sw = sw;
      this.number = number;
      Object job = promise == null ? task : new Promised((Callable<?>) task, promise);
      Object context = ContextPropagation.capture();
      this.task = context == null ? job : new Carried(job, context);
      this.daemon = daemon;
    }

    /** Binds the fiber's thread and joins the context, on the forking thread (ADR 39). */
    void admit(Thread t) {
      bindThread(t);
      joinContext();
    }

    /** Undoes {@link #admit} when the thread could not be started. */
    void withdraw() {
      leaveContext();
    }

    /** {@code <switch>/<n>}, made when a dump or an event asks (the thread is named {@code <switch>}). */
    @Override
    public String name() {
      return sw.name + "/" + number;
    }

    /**
     * Runs on the fiber's own thread. One small frame for the whole fiber: every frame below the
     * task is kept in each parked fiber's stack (B6), so the rare work (a carried context, a
     * failure) is in methods of its own, and only this record is live across the task's call.
     */
    @Override
    public void run() {
      install();
      if (task instanceof Carried c) {
        runCarried(c);
        return;
      }
      // The forker joined the context and stamped the start (joinContext).
      announceStarted();
      try {
        invoke(task);
      } finally {
        end();
      }
    }

    private void runCarried(Carried c) {
      AutoCloseable restored = ContextPropagation.restore(c.context());
      announceStarted();
      try {
        invoke(c.task());
      } finally {
        detach();
        ContextPropagation.close(restored);
        sw.ended(daemon);
      }
    }

    /**
     * Runs the task, recording its failure. No cancellation check before: a fiber the switch
     * accepted runs its task, which sees a cancellation at its first blocking operation (code
     * relying on its task starting, such as a job handed over to it, stays consistent); only a
     * fork into an already cancelled switch is refused.
     */
    private void invoke(Object job) {
      if (job instanceof Promised p) {
        p.run(ctx());
        return;
      }
      try {
        ((Task) job).run();
      } catch (Throwable t) {
        sw.failed(t, ctx());
      }
    }

    private void end() {
      detach();
      sw.ended(daemon);
    }
  }

  /** The task of {@link #forkPromise}: its outcome goes into the promise, not the switch. */
  private record Promised(Callable<?> call, Promise<?> promise) {
    @SuppressWarnings("unchecked")
    void run(CancelContext ctx) {
      Promise<Object> p = (Promise<Object>) promise;
      try {
        p.tryResolve(call.call());
      } catch (Throwable t) {
        Throwable c = Interrupts.asCancellation(t, ctx);
        p.tryFail(c instanceof InterruptedException ie ? new Cancelled(ie) : c);
      }
    }
  }

  /** A fiber's task with the forker's ThreadLocal context, to restore on the fiber's thread. */
  private record Carried(Object task, Object context) {}

  private void ended(boolean daemon) {
    int left =
        daemon
            ? (int) DAEMONS.getAndAdd(this, -1) - 1
            : running((long) FORKS.getAndAdd(this, -1L) - 1);
    // The waiter only cares about a count reaching zero.
    if (left == 0) {
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  // ---------------------------------------------------------------- failure and checks

  /**
   * Fails the switch with {@code failure}: records it by the switch's failure rules and cancels
   * the switch, so {@link #run} rethrows it once every fiber has ended.
   *
   * @throws IllegalStateException when the switch has finished
   */
  public void fail(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    synchronized (this) {
      if (state == State.FINISHED) {
        throw new IllegalStateException(
            "switch '" + name + "' has finished: cannot fail it", failure);
      }
    }
    failed(failure);
  }

  private void failed(Throwable t) {
    failed(t, ctx);
  }

  private void failed(Throwable t, CancelContext where) {
    if (!(t instanceof Cancelled) && !(t instanceof InterruptedException)) {
      Stats.FIBERS_FAILED.increment();
      FiberFailedEvent e = new FiberFailedEvent();
      if (e.shouldCommit()) {
        FiberState f = FiberState.current();
        e.fiberName = f != null ? f.name() : Thread.currentThread().getName();
        e.switchName = name;
        e.exception = String.valueOf(t);
        e.commit();
      }
    }
    Throwable reason = failures.add(t, where);
    if (reason != null) {
      ctx.cancel(reason);
    }
  }

  /** The switch's failure record, shared with the combinator groups it hosts. */
  Failures failures() {
    return failures;
  }

  /**
   * Throws when this switch can no longer do work.
   *
   * @throws Cancelled when the switch has been cancelled (or failed)
   * @throws IllegalStateException when it has finished
   */
  public void check() {
    synchronized (this) {
      if (state == State.FINISHED) {
        throw new IllegalStateException("switch '" + name + "' has finished");
      }
    }
    ctx.check();
  }

  /**
   * A text tree of this switch: its fibers (name, state: running or blocked and on what,
   * cancelling, and age) and the switches and cancellation regions nested in it. See {@link
   * Eio#dump()} for the format.
   */
  public String dump() {
    return TreeDump.of(ctx);
  }

  /** The switch's name; its fibers are named {@code name/n}. */
  public String name() {
    return name;
  }

  @Override
  public synchronized String toString() {
    int fibers = running(forks) + daemons;
    return "Switch[" + name + ", " + state.name().toLowerCase() + ", " + fibers + " fibers]";
  }

  /** The switch's cancellation context, for the engines built on switches. */
  CancelContext context() {
    return ctx;
  }

  // ---------------------------------------------------------------- release hooks

  /**
   * Registers {@code hook} to run when the switch finishes, after its fibers have ended. Hooks
   * run last-registered first, each once, protected from cancellation; a hook's failure fails
   * the switch but does not stop the other hooks.
   *
   * @return a handle that removes the hook before it runs
   * @throws IllegalStateException when the switch has already finished; the hook has then run at
   *     once, before the exception is thrown
   */
  public ReleaseHandle onRelease(Task hook) {
    if (hook == null) {
      throw new NullPointerException("hook");
    }
    Hook h = new Hook(this, hook);
    synchronized (this) {
      if (state != State.FINISHED) {
        h.next = hooks;
        if (hooks != null) {
          hooks.prev = h;
        }
        hooks = h;
        return h;
      }
    }
    IllegalStateException e =
        new IllegalStateException(
            "switch '" + name + "' has finished: the release hook was run at once");
    try {
      Cancel.protect(hook);
    } catch (Throwable t) {
      e.addSuppressed(t);
    }
    throw e;
  }

  private static final class Hook implements ReleaseHandle {
    final Switch sw;
    final Task task;
    Hook prev;
    Hook next;
    boolean taken;

    Hook(Switch sw, Task task) {
      this.sw = sw;
      this.task = task;
    }

    @Override
    public boolean remove() {
      synchronized (sw) {
        if (taken) {
          return false;
        }
        taken = true;
        if (prev != null) {
          prev.next = next;
        } else {
          sw.hooks = next;
        }
        if (next != null) {
          next.prev = prev;
        }
        return true;
      }
    }
  }

  // ---------------------------------------------------------------- finishing

  /**
   * Waits for the fibers, stops the daemons, runs the hooks, and repeats while hooks fork or
   * register more. Not interruptible: a cancellation arriving now only cancels the switch.
   *
   * @return whether the waiting thread was interrupted while the switch was not yet cancelled
   */
  private boolean finish(FiberState f) {
    boolean interrupted = false;
    while (true) {
      interrupted |= await(false);
      if (daemons > 0) {
        // Only daemons remain: as in Eio the whole switch is cancelled, not just the daemons, so
        // a daemon's clean-up cannot keep the switch open by forking a fiber into it.
        if (!ctx.isCancelled()) {
          StopSignal stop = new StopSignal(name + " (only daemons left)");
          failures.ignore(stop);
          ctx.cancel(stop);
        }
        interrupted |= await(true);
      }
      Hook top;
      synchronized (this) {
        if (running(forks) > 0 || daemons > 0) {
          continue;
        }
        top = hooks;
        hooks = null;
        for (Hook h = top; h != null; h = h.next) {
          h.taken = true;
        }
        if (top == null) {
          long w = forks;
          // No fiber of the tree is left to fork by now; the CAS is what makes a late fork from
          // elsewhere see the finish rather than slip past it.
          if (running(w) > 0 || !FORKS.compareAndSet(this, w, w | FINISHED)) {
            continue;
          }
          state = State.FINISHED;
          Stats.FIBERS_STARTED.add(forkCount(w) & (STATS_BATCH - 1));
          return interrupted;
        }
        state = State.RELEASING;
      }
      runHooks(f, top);
    }
  }

  private void runHooks(FiberState f, Hook top) {
    CancelContext shield = ctx.child(true, "release hooks of switch " + name);
    f.enter(shield);
    try {
      for (Hook h = top; h != null; h = h.next) {
        try {
          h.task.run();
        } catch (Throwable t) {
          failed(t);
        }
      }
    } finally {
      f.enter(ctx);
      shield.detach();
    }
  }

  private boolean await(boolean includeDaemons) {
    boolean interrupted = false;
    waiter = Thread.currentThread();
    while (true) {
      if (running(forks) == 0 && (!includeDaemons || daemons == 0)) {
        return interrupted;
      }
      LockSupport.park(this);
      if (Thread.interrupted() && !ctx.isCancelled()) {
        interrupted = true;
        ctx.cancel(
            new Cancelled(
                new InterruptedException(
                    "thread waiting for switch '" + name + "' to finish was interrupted")));
      }
    }
  }

  /** The reason of a benign stop; carries no stack trace, as it reports no error. */
  private static final class StopSignal extends Cancelled {
    private static final long serialVersionUID = 1L;

    StopSignal(String what) {
      super("stopped: " + what);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
