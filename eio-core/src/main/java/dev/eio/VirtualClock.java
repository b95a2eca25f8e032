package dev.eio;

import dev.eio.parallel.DomainManager;

import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import dev.eio.internal.UserFrames;
import dev.eio.internal.Interrupts;
import dev.eio.internal.SystemClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A test clock whose time moves only when every fiber of its run is blocked: it then jumps to the
 * earliest pending {@link #sleep}, so a test of a one-hour timeout runs in milliseconds. When
 * every fiber is blocked and nobody sleeps, nothing can ever wake them: the run fails with a
 * {@link Deadlock} naming each blocked fiber instead of hanging.
 *
 * <p><b>How it runs.</b> {@link #run} runs a program like {@link Eio#run}, with {@link
 * Env#clock()} being a fresh virtual clock that starts at {@link Instant#EPOCH} (and {@link
 * #nanoTime} at 0). The body runs in a new fiber named {@code virtual-clock/1} while the caller
 * waits; the run's fibers are that one and every fiber forked under it. A
 * watcher (a platform daemon thread owned by the run, gone when the run ends) polls them: a fiber
 * counts as blocked when its thread is parked without a time limit ({@link Thread.State#WAITING});
 * a thread that is running, runnable (unparked but not yet scheduled), blocked on a monitor or in
 * a real timed wait ({@code Thread.sleep}, the system clock) counts as busy, so time never jumps
 * over real work. "All blocked" must be seen in two passes a moment apart, with the same fibers
 * parked on the same objects and no sleep begun or ended in between, and no carrier thread of
 * the virtual-thread scheduler may be running then (an ending fiber wakes the fibers waiting for
 * it after the JDK has marked it terminated).
 *
 * <p><b>Manual control.</b> A test that wants to look at the state between two instants calls
 * {@link #advance}{@code (duration)} (time moves by exactly that much, the fibers due run, and it
 * returns once the others are blocked again) or {@link #runUntilIdle()} (the others run until
 * blocked, time stays). Fibers waiting in {@code runUntilIdle} are released before any time jump.
 * eio-test's {@code @EioTest(virtualTime = true)} passes the clock as a test parameter.
 *
 * <p><b>Guarantees.</b> Virtual time never goes backwards; sleepers wake in deadline order, all
 * those due at the new time together. A virtual sleep is cancellable like any blocking operation.
 * On deadlock the run's context is cancelled with the {@link Deadlock} as reason, and {@code run}
 * throws it (the body's own exception, if any, attached as suppressed) once every fiber has
 * ended.
 *
 * <p><b>Limits.</b> Every wake-up must come from the run itself or from virtual time: a fiber
 * waiting for real I/O or for a thread outside the run looks blocked, so time may jump over it or
 * the run may be reported as deadlocked. Using the clock after its run has ended is an error.
 *
 * <pre>{@code
 * @Test
 * void slowServiceTimesOut() {
 *   VirtualClock.run(env -> {
 *     Optional<String> r = Time.withTimeout(env.clock(), Duration.ofHours(1), () -> {
 *       env.clock().sleep(Duration.ofHours(2));        // the "slow service"
 *       return "late";
 *     });
 *     assertTrue(r.isEmpty());                         // in milliseconds of real time
 *     assertEquals(Instant.EPOCH.plus(Duration.ofHours(1)), env.clock().now());
 *   });
 * }
 * }</pre>
 */
public final class VirtualClock implements Clock {
  private static final Instant START = Instant.EPOCH;
  private static final long MIN_PAUSE_NANOS = 50_000;
  private static final long MAX_PAUSE_NANOS = 1_000_000;
  private static final long CONFIRM_NANOS = 200_000;
  /** How long busy carriers may hold back a time jump or a deadlock report (see carriersSettled). */
  private static final long CARRIER_PATIENCE_NANOS = 1_000_000_000L;
  private static final Object NO_BLOCKER = new Object();

  /** A fiber in a virtual sleep. */
  private static final class Sleeper implements Comparable<Sleeper> {
    final long deadline;
    final long seq;
    final Thread thread;
    volatile boolean woken;
    volatile boolean aborted;

    Sleeper(long deadline, long seq, Thread thread) {
      this.deadline = deadline;
      this.seq = seq;
      this.thread = thread;
    }

    @Override
    public int compareTo(Sleeper o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
      return "virtual sleep until +" + Duration.ofNanos(deadline);
    }
  }

  /** A fiber in {@link #runUntilIdle}: released, before any time jump, once all are blocked. */
  private static final class IdleWaiter {
    final Thread thread;
    volatile boolean released;

    IdleWaiter(Thread thread) {
      this.thread = thread;
    }

    @Override
    public String toString() {
      return "virtual clock's runUntilIdle";
    }
  }

  // Guarded by this.
  private long nanos;
  private long seq;
  private long epoch; // changes whenever a sleep begins, ends or is cancelled
  private boolean stopped;
  private final PriorityQueue<Sleeper> sleepers = new PriorityQueue<>();
  private final List<IdleWaiter> idleWaiters = new ArrayList<>();

  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private final FiberMonitor monitor = new Monitor();
  private volatile Cancel.Context runCtx;
  private volatile Deadlock deadlock;
  private long carriersBusySince; // the watcher's own: when it found the carriers busy, or 0

  private VirtualClock() {}

  private final class Monitor implements FiberMonitor {
    @Override
    public void starting(Thread thread) {
      live.add(thread);
    }

    @Override
    public void started(FiberState f) {
      live.add(f.thread());
    }

    @Override
    public void ended(FiberState f) {
      // Kept until the thread has terminated: between here and the end of the thread it may
      // still wake the fiber waiting for it, so it must count as busy.
    }
  }

  // ---------------------------------------------------------------- running a program

  /**
   * Runs {@code body} with an {@link Env} whose clock is a new virtual clock, and returns once
   * every fiber started under it has ended.
   *
   * @throws Deadlock when every fiber of the run was blocked with no sleeper left
   */
  public static void run(Eio.Action body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    call(
        env -> {
          body.run(env);
          return null;
        });
  }

  /** Like {@link #run} for a body that returns a value, which is returned. */
  public static <T> T call(Eio.Body<T> body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    VirtualClock clock = new VirtualClock();
    Thread watcher = Thread.ofPlatform().daemon().name("eio-virtual-clock").unstarted(clock::watch);
    try {
      return Switch.call(
          "virtual-clock",
          sw -> {
            // The run's root is a fresh virtual fiber, not the caller: a platform thread reports
            // WAITING until the OS has rescheduled it, well after it was unparked, which would
            // make the watcher see everything blocked while the root is about to run.
            FiberState caller = FiberState.current();
            FiberMonitor previous = caller.monitor();
            caller.setMonitor(clock.monitor);
            Promise<T> result;
            try {
              result =
                  sw.forkPromise(
                      () -> {
                        try {
                          T v =
                              Cancel.subCall(
                                  ctx -> {
                                    clock.runCtx = ctx;
                                    return Switch.call(
                                        "main",
                                        inner -> {
                                          Env env =
                                              new Env(
                                                  clock,
                                                  DomainManager.create(
                                                      inner, DomainManager.defaultDomains()));
                                          return Time.withProgramClock(
                                              clock, () -> body.call(env));
                                        });
                                  });
                          clock.throwIfDeadlocked(null);
                          return v;
                        } catch (Throwable t) {
                          clock.throwIfDeadlocked(t);
                          throw t;
                        }
                      });
            } finally {
              caller.setMonitor(previous);
            }
            watcher.start();
            return result.await();
          });
    } finally {
      clock.stop();
    }
  }

  private void throwIfDeadlocked(Throwable bodyFailure) {
    Deadlock d = deadlock;
    if (d == null) {
      return;
    }
    if (bodyFailure != null
        && bodyFailure != d
        && !(bodyFailure instanceof Cancelled c && c.reason() == d)) {
      d.addSuppressed(bodyFailure);
    }
    throw d;
  }

  private void stop() {
    List<Sleeper> left;
    List<IdleWaiter> idle;
    synchronized (this) {
      stopped = true;
      left = new ArrayList<>(sleepers);
      sleepers.clear();
      idle = releaseIdleWaiters();
      epoch++;
    }
    for (Sleeper s : left) {
      s.aborted = true;
      LockSupport.unpark(s.thread);
    }
    for (IdleWaiter w : idle) {
      LockSupport.unpark(w.thread);
    }
  }

  // ---------------------------------------------------------------- the clock

  @Override
  public synchronized Instant now() {
    return START.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public void sleep(Duration duration) {
    if (duration == null) {
      throw new NullPointerException("duration");
    }
    long d = SystemClock.saturatedNanos(duration);
    long target;
    synchronized (this) {
      target = d <= 0 ? nanos : (d > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : nanos + d);
    }
    sleepUntilNanos(target);
  }

  @Override
  public void sleepUntil(Instant deadline) {
    if (deadline == null) {
      throw new NullPointerException("deadline");
    }
    sleepUntilNanos(SystemClock.saturatedNanos(Duration.between(START, deadline)));
  }

  private void sleepUntilNanos(long target) {
    Interrupts.check();
    Sleeper s;
    synchronized (this) {
      if (stopped) {
        throw new IllegalStateException("virtual clock used after its run ended");
      }
      if (target <= nanos) {
        return;
      }
      s = new Sleeper(target, seq++, Thread.currentThread());
      sleepers.add(s);
      epoch++;
    }
    while (!s.woken) {
      if (s.aborted) {
        throw new IllegalStateException("virtual clock's run ended during the sleep");
      }
      LockSupport.park(s);
      if (!s.woken && !s.aborted && Thread.interrupted()) {
        synchronized (this) {
          if (!s.woken && sleepers.remove(s)) {
            epoch++;
            throw Interrupts.cancelledByInterrupt(null);
          }
        }
        // Woken (or aborted) before we saw the interrupt: that outcome wins.
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- manual control

  /**
   * Moves virtual time forward by {@code duration} and returns once every fiber whose sleep ends
   * by then has run and the run's other fibers are all blocked again ({@link #runUntilIdle}).
   * Sleepers wake in deadline order, so a test sees the state at exactly {@code now() +
   * duration}. Other fibers being blocked earlier makes time jump on its own, as always; this
   * only sets where the caller looks next.
   *
   * @throws IllegalArgumentException when {@code duration} is negative
   * @throws Cancelled when the caller is cancelled meanwhile
   */
  public void advance(Duration duration) {
    if (duration == null) {
      throw new NullPointerException("duration");
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    sleep(duration);
    runUntilIdle();
  }

  /**
   * Lets the run's other fibers run until every one of them is blocked, without moving virtual
   * time, and returns then: what was ready to happen at {@link #now()} has happened. Call it from
   * a fiber of the run. A fiber that never blocks (a busy loop) keeps it waiting.
   *
   * @throws Cancelled when the caller is cancelled meanwhile
   * @throws IllegalStateException when the clock's run has ended
   */
  public void runUntilIdle() {
    Interrupts.check();
    IdleWaiter w = new IdleWaiter(Thread.currentThread());
    synchronized (this) {
      if (stopped) {
        throw new IllegalStateException("virtual clock used after its run ended");
      }
      idleWaiters.add(w);
      epoch++;
    }
    while (!w.released) {
      LockSupport.park(w);
      if (!w.released && Thread.interrupted()) {
        synchronized (this) {
          if (!w.released && idleWaiters.remove(w)) {
            epoch++;
            throw Interrupts.cancelledByInterrupt(null);
          }
        }
        Thread.currentThread().interrupt(); // released first: that outcome wins
      }
    }
  }

  /** Marks every idle waiter released and returns them, to unpark; under this clock's lock. */
  private List<IdleWaiter> releaseIdleWaiters() {
    List<IdleWaiter> out = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    for (IdleWaiter w : out) {
      w.released = true;
    }
    return out;
  }

  // ---------------------------------------------------------------- the watcher

  private void watch() {
    long pause = MIN_PAUSE_NANOS;
    while (true) {
      long e;
      synchronized (this) {
        if (stopped) {
          return;
        }
        e = epoch;
      }
      Map<Thread, Object> first = blockedSnapshot();
      if (first == null) {
        carriersBusySince = 0; // a fiber ran: any wait for the carriers starts over
      } else {
        LockSupport.parkNanos(CONFIRM_NANOS);
        Map<Thread, Object> second = blockedSnapshot();
        if (second != null
            && second.equals(first)
            && carriersSettled()
            && advanceOrDeadlock(e, second)) {
          carriersBusySince = 0;
          pause = MIN_PAUSE_NANOS;
          continue;
        }
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }

  /**
   * Whether no carrier of the virtual-thread scheduler is running: then no virtual thread is
   * between the end of its task and the wake-ups its end sends. The JDK marks an ending virtual
   * thread {@code TERMINATED} first, and only then, on its carrier, wakes the threads joining it
   * and the owner of its {@code StructuredTaskScope}: a carrier preempted in between (8 carriers
   * on 2 cores did it) left the owner parked with nothing live to wake it, and the run was
   * reported deadlocked. Carriers kept busy by work outside the run hold the verdict back for at
   * most {@link #CARRIER_PATIENCE_NANOS}.
   */
  private boolean carriersSettled() {
    if (carriersIdle()) {
      carriersBusySince = 0;
      return true;
    }
    long now = System.nanoTime();
    if (carriersBusySince == 0) {
      carriersBusySince = now;
      return false;
    }
    return now - carriersBusySince > CARRIER_PATIENCE_NANOS;
  }

  private static boolean carriersIdle() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads;
    int n;
    do { // enumerate silently drops the threads that do not fit
      threads = new Thread[root.activeCount() * 2 + 16];
      n = root.enumerate(threads, true);
    } while (n == threads.length);
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      // Carriers are platform threads of the JDK's own class; an idle one parks (WAITING).
      if (t.getClass().getName().equals("jdk.internal.misc.CarrierThread")
          && t.getState() == Thread.State.RUNNABLE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Each live thread's blocker when every one is parked without a time limit, or {@code null}
   * when one is busy. Threads that have terminated are forgotten.
   */
  private Map<Thread, Object> blockedSnapshot() {
    Map<Thread, Object> m = new IdentityHashMap<>();
    for (Thread t : live) {
      Thread.State st = t.getState();
      if (st == Thread.State.TERMINATED) {
        live.remove(t);
        continue;
      }
      if (st != Thread.State.WAITING) {
        return null;
      }
      Object b = LockSupport.getBlocker(t);
      m.put(t, b == null ? NO_BLOCKER : b);
    }
    return m.isEmpty() ? null : m;
  }

  /**
   * With all fibers seen blocked and no sleep begun or ended since {@code seenEpoch}: releases
   * the fibers in {@link #runUntilIdle}, else wakes the earliest sleepers, else reports a
   * deadlock.
   *
   * @return whether anything changed (time advanced or a deadlock was reported)
   */
  private boolean advanceOrDeadlock(long seenEpoch, Map<Thread, Object> blocked) {
    synchronized (this) {
      if (stopped || epoch != seenEpoch) {
        return false;
      }
      if (!idleWaiters.isEmpty()) {
        // Idle at the current time: those waiting for that go first, time stays.
        for (IdleWaiter w : releaseIdleWaiters()) {
          LockSupport.unpark(w.thread);
        }
        epoch++;
        return true;
      }
      Sleeper s = sleepers.peek();
      if (s != null) {
        if (s.deadline > nanos) {
          nanos = s.deadline;
        }
        while ((s = sleepers.peek()) != null && s.deadline <= nanos) {
          sleepers.poll();
          s.woken = true;
          LockSupport.unpark(s.thread);
        }
        epoch++;
        return true;
      }
      if (deadlock != null) {
        return false; // already reported; fibers that ignore cancellation stay stuck
      }
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<Thread, Object> en : blocked.entrySet()) {
      lines.add(describe(en.getKey(), en.getValue()));
    }
    lines.sort(null);
    Deadlock d = new Deadlock(lines);
    deadlock = d;
    Cancel.Context ctx = runCtx;
    if (ctx != null) {
      ctx.cancel(d);
    }
    return true;
  }

  private static String describe(Thread t, Object blocker) {
    StringBuilder sb = new StringBuilder();
    sb.append(t.isVirtual() ? "fiber " : "root thread ").append('"').append(FiberState.nameOf(t)).append('"');
    if (blocker != NO_BLOCKER) {
      sb.append(" waiting on ").append(safeToString(blocker));
    }
    sb.append(" in ").append(UserFrames.describe(t.getStackTrace()));
    return sb.toString();
  }

  private static String safeToString(Object o) {
    try {
      return String.valueOf(o);
    } catch (RuntimeException e) {
      return o.getClass().getName();
    }
  }

  @Override
  public synchronized String toString() {
    return "VirtualClock[" + now() + "]";
  }
}
