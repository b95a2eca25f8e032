package dev.eio.parallel;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Switch;
import dev.eio.Task;
import dev.eio.internal.DomainSection;
import dev.eio.internal.DomainThread;
import dev.eio.internal.FiberState;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs CPU-heavy sections on domains: a work-stealing pool of platform threads, one per core by
 * default, so they never occupy the virtual-thread scheduler that I/O fibers need.
 *
 * <p><b>Guarantees.</b> {@link #run(Callable)} runs its function on a domain while the calling
 * fiber parks, and returns its value or throws its exception as if it had been called directly
 * (a checked exception wrapped once in {@link dev.eio.WrappedCheckedException}). Everything the
 * caller did before {@code run} happens-before the function starts; everything the function did
 * happens-before {@code run} returns. Cancelling the caller cancels the function (its {@link
 * dev.eio.Fiber#check()} throws, its blocking calls are interrupted) and then waits for it to
 * return: nothing runs on after its caller has returned. A {@code run} from inside a section of
 * the same manager runs inline on the calling domain (no deadlock, no extra thread).
 *
 * <p>Inside a section, {@code Fiber.both/pair/all/first/any/map...} run their tasks as fork/join
 * tasks on the same pool, so recursive divide-and-conquer code uses every domain. Fiber-local
 * values ({@link dev.eio.Fiber.Key}) of the caller are visible in the section.
 *
 * <p>A manager belongs to a switch: when the switch finishes, the pool shuts down and its threads
 * end (the run's manager from {@code env.domains()} belongs to {@code Eio.run}).
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   long total = env.domains().run(() -> fib(40));    // on a domain; this fiber parks
 *   long both = env.domains().run(() -> {
 *     var p = Fiber.pair(() -> fib(39), () -> fib(38)); // fork/join tasks on the domains
 *     return p.first() + p.second();
 *   });
 * });
 * }</pre>
 */
public final class DomainManager {
  private static final AtomicLong IDS = new AtomicLong();

  private final ForkJoinPool pool;
  private final int domains;
  private final String name;
  private volatile boolean closed;

  private DomainManager(int domains) {
    this.domains = domains;
    this.name = "eio-domain-" + IDS.incrementAndGet();
    AtomicInteger seq = new AtomicInteger();
    this.pool =
        new ForkJoinPool(
            domains,
            p -> {
              DomainThread t = new DomainThread(p, this);
              t.setName(name + "/" + seq.incrementAndGet());
              return t;
            },
            null,
            false,
            0,
            // Spare threads only replace workers blocked outside fork/join (a section waiting
            // on I/O, say); a joining worker helps with queued tasks instead.
            domains + 256,
            1,
            p -> true,
            30,
            TimeUnit.SECONDS);
  }

  /** The number of domains a manager gets by default: the number of available processors. */
  public static int defaultDomains() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * A manager with {@code domains} domains, shut down when {@code sw} finishes.
   *
   * @throws IllegalArgumentException when {@code domains < 1} (or above 32767, the pool's limit)
   */
  public static DomainManager create(Switch sw, int domains) {
    Objects.requireNonNull(sw, "sw");
    if (domains < 1) {
      throw new IllegalArgumentException("domains must be >= 1, got " + domains);
    }
    if (domains > 32767) {
      throw new IllegalArgumentException("domains must be <= 32767, got " + domains);
    }
    DomainManager m = new DomainManager(domains);
    sw.onRelease(m::close);
    return m;
  }

  /** The number of domains (the pool's parallelism). */
  public int domains() {
    return domains;
  }

  /**
   * A snapshot of the pool's load, for monitoring ({@code dev.eio.metrics.EioMetrics} publishes
   * it). The figures are estimates read without stopping the pool.
   *
   * @param domains the number of domains
   * @param running domains running a section or a fork/join task now
   * @param queued sections and tasks waiting for a domain
   * @param steals tasks taken from another domain's queue since the pool started
   */
  public record Load(int domains, int running, long queued, long steals) {}

  /** The pool's load now; see {@link Load}. */
  public Load load() {
    return new Load(
        domains,
        pool.getActiveThreadCount(),
        pool.getQueuedSubmissionCount() + pool.getQueuedTaskCount(),
        pool.getStealCount());
  }

  /**
   * Runs {@code fn} on a domain and returns its value; see the class comment for the guarantees.
   *
   * @throws dev.eio.Cancelled when the caller is cancelled (after {@code fn} has returned)
   * @throws IllegalStateException when the manager's switch has finished
   */
  public <T> T run(Callable<T> fn) {
    Objects.requireNonNull(fn, "fn");
    DomainThread d = DomainThread.current();
    if (d != null && d.owner() == this) {
      return DomainSection.inline(fn);
    }
    if (closed) {
      throw closedError(null);
    }
    try {
      if (FiberState.current() == null) {
        // A plain thread becomes a root fiber for the call, so the section has a context above it.
        try {
          return Cancel.subCall(ctx -> DomainSection.run(pool, fn));
        } catch (Cancelled c) {
          // Only an interrupt cancels a plain thread; leaving the sub-context cleared its status.
          Thread.currentThread().interrupt();
          throw c;
        }
      }
      return DomainSection.run(pool, fn);
    } catch (RejectedExecutionException e) {
      throw closedError(e);
    }
  }

  /** Runs {@code fn} on a domain, like {@link #run(Callable)}. */
  public void run(Task fn) {
    Objects.requireNonNull(fn, "fn");
    run(
        () -> {
          fn.run();
          return null;
        });
  }

  /** Whether the calling thread is one of this manager's domains (inside a section). */
  public boolean isDomainThread() {
    DomainThread d = DomainThread.current();
    return d != null && d.owner() == this;
  }

  private IllegalStateException closedError(Throwable cause) {
    return new IllegalStateException(
        "domain manager " + name + " is closed: its switch has finished", cause);
  }

  /** Shuts the pool down and waits for its threads to end; sections still running finish. */
  void close() {
    closed = true;
    pool.shutdown();
    Cancel.protect(
        () -> {
          while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
            // A section that never returns keeps the pool alive; keep waiting, as the switch does.
          }
        });
  }

  @Override
  public String toString() {
    return "DomainManager[" + name + ", " + domains + " domains" + (closed ? ", closed" : "") + "]";
  }
}
