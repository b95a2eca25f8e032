package dev.eio.parallel;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.internal.CancelContext;
import dev.eio.internal.ContextPropagation;
import dev.eio.internal.FiberState;
import dev.eio.internal.Interrupts;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of workers that take weighted jobs from one queue and run them on the domains of a
 * {@link DomainManager}; {@link #submit} blocks until its job is done, {@link #submitFork} returns
 * a {@link Promise}.
 *
 * <p><b>Guarantees.</b> Each worker runs jobs side by side as long as their weights sum to at
 * most 1: a job of weight 1 has a worker to itself, weight 0.5 shares it with one other such job,
 * weight 0 (mostly waiting) never holds a worker back. Jobs start in submission order (a job
 * waits at the head of the queue until some worker has room for it). The workers are daemon
 * fibers of the pool's switch: when the switch finishes (or fails), running jobs are cancelled
 * (and waited for) and queued ones fail with {@link Cancelled}. Cancelling a caller blocked in
 * {@code submit} removes its job when still queued, or cancels it and waits for it to stop when
 * running. A job's exception goes to its submitter only, never to the pool's switch.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   ExecutorPool pool = ExecutorPool.create(sw, env.domains());
 *   long n = pool.submit(1.0, () -> fib(35));                 // blocks this fiber only
 *   Promise<Long> later = pool.submitFork(sw, 0.5, () -> fib(30));
 *   System.out.println(n + later.await());
 * });
 * }</pre>
 */
public final class ExecutorPool {
  /** Weights are kept in millionths so that sums stay exact. */
  private static final long UNIT = 1_000_000L;

  private final DomainManager domains;
  private final int workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
  private int liveWorkers;
  private int runningJobs; // guarded by lock
  private long unitsInUse; // guarded by lock
  private boolean closed;

  private ExecutorPool(DomainManager domains, int workers) {
    this.domains = domains;
    this.workers = workers;
  }

  /** A pool with one worker per domain of {@code domains}, owned by {@code sw}. */
  public static ExecutorPool create(Switch sw, DomainManager domains) {
    Objects.requireNonNull(domains, "domains");
    return create(sw, domains, domains.domains());
  }

  /**
   * A pool with {@code workers} workers running jobs on {@code domains}, owned by {@code sw}.
   *
   * @throws IllegalArgumentException when {@code workers < 1}
   */
  public static ExecutorPool create(Switch sw, DomainManager domains, int workers) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(domains, "domains");
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    ExecutorPool p = new ExecutorPool(domains, workers);
    p.liveWorkers = workers;
    sw.onRelease(p::close);
    for (int i = 0; i < workers; i++) {
      sw.forkDaemon(p::work);
    }
    return p;
  }

  /** The number of workers. */
  public int workers() {
    return workers;
  }

  /**
   * A snapshot of the pool's load, for monitoring ({@code dev.eio.metrics.EioMetrics} publishes
   * it).
   *
   * @param workers the number of workers
   * @param running jobs running now
   * @param queued jobs waiting for a worker
   * @param weight the sum of the weights of the running jobs (at most {@code workers})
   */
  public record Load(int workers, int running, int queued, double weight) {}

  /** The pool's load now; see {@link Load}. */
  public Load load() {
    lock.lock();
    try {
      return new Load(workers, runningJobs, queue.size(), (double) unitsInUse / UNIT);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code fn} as a job of weight {@code weight} and returns its value once done.
   *
   * @throws IllegalArgumentException when {@code weight} is not in [0, 1]
   * @throws IllegalStateException when the pool's switch has finished, or when called from inside
   *     a section of the pool's domain manager
   * @throws Cancelled when the caller is cancelled (the job is removed or stopped first), or the
   *     pool's switch finished before the job ran
   */
  public <T> T submit(double weight, Callable<T> fn) {
    checkWeight(weight);
    Objects.requireNonNull(fn, "fn");
    if (domains.isDomainThread()) {
      // Waiting here would hold a domain that the job itself may need.
      throw new IllegalStateException(
          "ExecutorPool.submit from inside a section of the pool's own domain manager: run the"
              + " work directly there, or submit from a fiber");
    }
    Interrupts.check();
    return awaitJob(enqueue(weight, fn));
  }

  /**
   * Queues {@code fn} as a job of weight {@code weight} at once, on the calling fiber, and returns
   * a promise of its result, awaited by a fiber of {@code sw}; the job is cancelled when {@code sw}
   * finishes before it does. Jobs queued by successive calls start in the order of the calls.
   *
   * @throws IllegalArgumentException when {@code weight} is not in [0, 1]
   * @throws IllegalStateException when the pool's switch has finished, or {@code sw} has
   */
  public <T> Promise<T> submitFork(Switch sw, double weight, Callable<T> fn) {
    Objects.requireNonNull(sw, "sw");
    checkWeight(weight);
    Objects.requireNonNull(fn, "fn");
    // Queued here, not in the forked fiber: fibers start in no particular order, so a job queued
    // by its own fiber could overtake one submitted before it, or find the pool closed although
    // it was submitted while the pool was open (the flaky "queued job ran" of
    // endingTheSwitchCancelsRunningAndQueuedJobs: the second submitFork's job was queued and run
    // first, and the first one became the "queued" job).
    Job<T> job = enqueue(weight, fn);
    Promise<T> p;
    try {
      p = sw.forkPromise(() -> awaitJob(job));
    } catch (Throwable t) {
      job.withdraw(new Cancelled("submitFork could not fork into its switch"));
      throw t;
    }
    if (p.isResolved() && !job.result.isResolved()) {
      // sw was cancelled before the fork, so no fiber waits for the job: take it back (when a
      // fiber did run and was cancelled, it withdrew the job already and this does nothing).
      job.withdraw(new Cancelled("the switch of submitFork was cancelled"));
    }
    return p;
  }

  /** Waits for {@code job}'s result; a cancelled waiter takes the job back or stops it first. */
  private static <T> T awaitJob(Job<T> job) {
    try {
      return job.result.await();
    } catch (Cancelled c) {
      job.cancel(c);
      throw c;
    }
  }

  private static void checkWeight(double weight) {
    if (!(weight >= 0.0 && weight <= 1.0)) {
      throw new IllegalArgumentException("weight must be in [0, 1], got " + weight);
    }
  }

  private <T> Job<T> enqueue(double weight, Callable<T> fn) {
    Job<T> job = new Job<>(this, Math.round(weight * UNIT), fn);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("executor pool is closed: its switch has finished");
      }
      queue.addLast(job);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return job;
  }

  /** A worker: takes jobs while they fit in its capacity, each in a fiber of its own. */
  private void work() {
    long[] free = {UNIT};
    // A daemon fiber starts in its switch's daemon context: the switch's end (or failure) starts
    // by cancelling that context, before it reaches the worker's own switch further down.
    CancelContext daemons = FiberState.current().ctx();
    try {
      Switch.run(
          "executor-worker",
          jobs -> {
            while (true) {
              Job<?> job = take(free, daemons);
              Promise<Void> forked =
                  jobs.forkPromise(
                      () -> {
                        job.run(free);
                        return null;
                      });
              if (forked.isResolved()) {
                // Either the worker's switch was cancelled before the fork, and the job will never
                // run, or the job's fiber has already run it to the end; abandon ends the job only
                // in the first case (a job ends once).
                job.abandon(free);
              }
            }
          });
    } finally {
      lock.lock();
      try {
        if (--liveWorkers == 0) {
          closeLocked();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private Job<?> take(long[] free, CancelContext daemons) {
    lock.lock();
    try {
      while (true) {
        // Once the pool's switch is ending no queued job may start. The worker's own interrupt
        // comes a little later (the cancellation walks the tree parent first, and another
        // worker's running jobs may come before this one), and a head that fits needs no wait
        // that would see it: so look at the daemon context itself, under the lock that orders
        // takes, and leave the queue to close().
        Throwable ending = daemons.reason();
        if (ending != null) {
          throw CancelContext.cancelled(ending);
        }
        Job<?> head = queue.peekFirst();
        if (head != null && head.units <= free[0]) {
          queue.removeFirst();
          free[0] -= head.units;
          head.state = State.RUNNING;
          runningJobs++;
          unitsInUse += head.units;
          return head;
        }
        changed.await();
      }
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    } finally {
      lock.unlock();
    }
  }

  private void release(long[] free, long units) {
    lock.lock();
    try {
      free[0] += units;
      runningJobs--;
      unitsInUse -= units;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void close() {
    lock.lock();
    try {
      closeLocked();
    } finally {
      lock.unlock();
    }
  }

  private void closeLocked() {
    closed = true;
    Cancelled why = new Cancelled("executor pool closed: its switch has finished");
    for (Job<?> j; (j = queue.pollFirst()) != null; ) {
      j.state = State.DONE;
      j.result.tryFail(why);
      j.finished.countDown();
    }
  }

  private enum State {
    QUEUED,
    RUNNING,
    DONE
  }

  private static final class Job<T> {
    final ExecutorPool pool;
    final long units;
    final Callable<T> fn;
    final Promise<T> result = Promise.create();
    final CountDownLatch finished = new CountDownLatch(1);
    // Guarded by pool.lock.
    State state = State.QUEUED;
    Cancel.Context ctx;
    Throwable cancelledBy;
    final Object context = ContextPropagation.capture(); // the submitter's, if registered

    Job(ExecutorPool pool, long units, Callable<T> fn) {
      this.pool = pool;
      this.units = units;
      this.fn = fn;
    }

    /** Runs on a fiber of the worker's switch. */
    void run(long[] free) {
      AutoCloseable restored = ContextPropagation.restore(context);
      try {
        T v =
            Cancel.subCall(
                c -> {
                  pool.lock.lock();
                  try {
                    ctx = c;
                    if (cancelledBy != null) {
                      c.cancel(cancelledBy);
                    }
                  } finally {
                    pool.lock.unlock();
                  }
                  return pool.domains.run(fn);
                });
        result.tryResolve(v);
      } catch (Throwable t) {
        result.tryFail(t);
      } finally {
        end(free);
        ContextPropagation.close(restored);
      }
    }

    /**
     * Marks the job done, wakes a waiting submitter and gives its weight back to the worker; once
     * only: a second call (the worker abandoning a job its fiber has already ended) does nothing.
     */
    private void end(long[] free) {
      pool.lock.lock();
      try {
        if (state == State.DONE) {
          return; // giving the weight back twice would let the worker overrun its capacity
        }
        state = State.DONE;
      } finally {
        pool.lock.unlock();
      }
      finished.countDown();
      pool.release(free, units);
    }

    /** Fails a job that was taken but could not be started, and frees its weight (see end). */
    void abandon(long[] free) {
      result.tryFail(new Cancelled("executor pool worker stopped before the job could start"));
      end(free);
    }

    /** The submitter gave up: drop the job when queued, else stop it and wait until it has. */
    void cancel(Cancelled why) {
      if (withdraw(why)) {
        Cancel.protect(() -> finished.await());
      }
    }

    /**
     * Drops the job when queued, else asks it to stop without waiting.
     *
     * @return whether the job was running (it may still be)
     */
    boolean withdraw(Cancelled why) {
      boolean wait;
      pool.lock.lock();
      try {
        switch (state) {
          case QUEUED -> {
            pool.queue.remove(this);
            state = State.DONE;
            wait = false;
          }
          case RUNNING -> {
            cancelledBy = why;
            if (ctx != null) {
              ctx.cancel(why);
            }
            wait = true;
          }
          default -> wait = false;
        }
        // A waiter behind a removed head may fit now.
        pool.changed.signalAll();
      } finally {
        pool.lock.unlock();
      }
      return wait;
    }
  }
}
