package dev.eio.bench;

import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * DESIGN.md benchmarks B1 (fork+join of empty fibers), B3 (cancelling a switch of blocked fibers)
 * and B6 (memory per parked fiber), each beside its baselines in the same JVM.
 *
 * <p>Run: {@code mvn -q -Pbench package -pl eio-bench -am -Dbench.main=dev.eio.bench.CoreBench
 * -Dbench.args="b1 b3 b6"} (needs {@code --enable-preview}, which the bench profile passes, for
 * the StructuredTaskScope baselines).
 */
public final class CoreBench {
  private CoreBench() {}

  public static void main(String[] args) throws Exception {
    List<String> which =
        args.length == 0 ? List.of("b1", "b1-context", "b3", "b6") : List.of(args);
    System.out.printf(
        "eio-java core benchmarks on %s, %d cores, JDK %s%n",
        System.getProperty("os.name"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    for (String b : which) {
      switch (b) {
        case "b1" -> b1();
        case "b3" -> b3();
        case "b1-context" -> b1Context();
        case "b1-profile" -> {
          // only our side, long enough for a profiler (JFR) to see where the time goes
          long sum = 0;
          for (int i = 0; i < 300; i++) {
            sum += b1Switch();
          }
          System.out.println("eio fork+join: " + sum / 300 + " ns/fiber on average");
        }
        case "b6" -> b6();
        default -> throw new IllegalArgumentException("unknown benchmark '" + b + "': use b1 b3 b6");
      }
    }
  }

  // ---------------------------------------------------------------- B1

  static final int B1_FIBERS = 10_000;
  static final int B1_ROUNDS = Integer.getInteger("b1.rounds", 15);

  static void b1() {
    new Ratio("B1: fork+join of " + B1_FIBERS + " empty fibers, wall time", "ns/fiber")
        .add("raw Thread.ofVirtual start+join", CoreBench::b1Raw)
        .add("eio Switch.run + sw.fork", CoreBench::b1Switch)
        .add("StructuredTaskScope fork+join", CoreBench::b1Sts)
        .run(Integer.getInteger("b1.warmups", 100), B1_ROUNDS);
    // CPU time of the whole process per fiber: other jobs on a shared machine stretch wall time
    // but do not add to our CPU time, so this ratio is steadier under load.
    new Ratio("B1: fork+join of " + B1_FIBERS + " empty fibers, process CPU time", "cpu-ns/fiber")
        .add("raw Thread.ofVirtual start+join", () -> cpu(CoreBench::b1Raw))
        .add("eio Switch.run + sw.fork", () -> cpu(CoreBench::b1Switch))
        .add("StructuredTaskScope fork+join", () -> cpu(CoreBench::b1Sts))
        .run(1, 9);
  }

  /** Stands in for SLF4J's MDC: a ThreadLocal that context-propagation carries into forks. */
  private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

  static void b1Context() {
    new Ratio(
            "B1 with context: fork+join of " + B1_FIBERS + " fibers, a ThreadLocal context"
                + " (like the MDC) registered with context-propagation and set",
            "ns/fiber")
        .add("eio, nothing registered", CoreBench::b1Switch)
        .add("eio, one context value carried into each fork", () -> withContext(CoreBench::b1Switch))
        .run(3, 11);
  }

  private static long withContext(java.util.function.LongSupplier round) {
    io.micrometer.context.ContextRegistry registry = io.micrometer.context.ContextRegistry.getInstance();
    registry.registerThreadLocalAccessor("bench.requestId", REQUEST_ID::get, REQUEST_ID::set, REQUEST_ID::remove);
    REQUEST_ID.set("req-42");
    try {
      return round.getAsLong();
    } finally {
      REQUEST_ID.remove();
      registry.removeThreadLocalAccessor("bench.requestId");
    }
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * Runs 40 B1 rounds and returns the process CPU time they took, per fiber (the OS counts CPU
   * time in 10 ms ticks: 40 rounds of 10,000 fibers bring that to 25 ns per fiber).
   */
  private static long cpu(java.util.function.LongSupplier round) {
    int rounds = 40;
    long c0 = OS.getProcessCpuTime();
    for (int i = 0; i < rounds; i++) {
      round.getAsLong();
    }
    return (OS.getProcessCpuTime() - c0) / ((long) rounds * B1_FIBERS);
  }

  static long b1Raw() {
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[B1_FIBERS];
    ThreadFactory f = Thread.ofVirtual().factory();
    for (int i = 0; i < B1_FIBERS; i++) {
      ts[i] = f.newThread(CoreBench::empty);
      ts[i].start();
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return (System.nanoTime() - t0) / B1_FIBERS;
  }

  static long b1Switch() {
    long t0 = System.nanoTime();
    Switch.run(
        sw -> {
          for (int i = 0; i < B1_FIBERS; i++) {
            sw.fork(CoreBench::empty);
          }
        });
    return (System.nanoTime() - t0) / B1_FIBERS;
  }

  private static long b1Sts() {
    long t0 = System.nanoTime();
    try (var scope = StructuredTaskScope.open()) {
      for (int i = 0; i < B1_FIBERS; i++) {
        scope.fork(CoreBench::empty);
      }
      scope.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - t0) / B1_FIBERS;
  }

  private static void empty() {}

  // ---------------------------------------------------------------- B3

  static final int B3_FIBERS = 10_000;

  static void b3() {
    new Ratio(
            "B3: cancel " + B3_FIBERS + " fibers blocked in Promise.await, until all have ended",
            "us")
        .add("StructuredTaskScope close", CoreBench::b3Sts)
        .add("eio switch cancelled (sw.fail)", CoreBench::b3Switch)
        .run(3, 11);
  }

  private static long b3Switch() {
    Promise<Void> never = Promise.create();
    CountDownLatch blocked = new CountDownLatch(B3_FIBERS);
    long[] t0 = new long[1];
    try {
      Switch.run(
          sw -> {
            for (int i = 0; i < B3_FIBERS; i++) {
              sw.fork(
                  () -> {
                    blocked.countDown();
                    never.await();
                  });
            }
            blocked.await();
            waitUntilParked();
            t0[0] = System.nanoTime();
            sw.fail(new Cancelled("benchmark stop"));
          });
    } catch (Cancelled expected) {
      // the switch reports its cancellation once every fiber has ended
    }
    return (System.nanoTime() - t0[0]) / 1000;
  }

  private static long b3Sts() {
    Promise<Void> never = Promise.create();
    CountDownLatch blocked = new CountDownLatch(B3_FIBERS);
    CountDownLatch go = new CountDownLatch(1);
    long t0 = 0;
    try (var scope =
        StructuredTaskScope.open(StructuredTaskScope.Joiner.<Object>awaitAllSuccessfulOrThrow())) {
      for (int i = 0; i < B3_FIBERS; i++) {
        scope.fork(
            () -> {
              blocked.countDown();
              never.await();
            });
      }
      // The same trigger as sw.fail: one subtask fails, which cancels the scope.
      scope.fork(
          () -> {
            go.await();
            throw new IllegalStateException("benchmark stop");
          });
      awaitQuietly(blocked);
      waitUntilParked();
      t0 = System.nanoTime();
      go.countDown();
      scope.join();
    } catch (StructuredTaskScope.FailedException expected) {
      // the trigger's failure, once every subtask has ended (close waits too)
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - t0) / 1000;
  }

  /** Gives the fibers that counted down a moment to reach their park. */
  private static void waitUntilParked() {
    LockSupport.parkNanos(50_000_000);
  }

  // ---------------------------------------------------------------- B6

  static final int B6_FIBERS = Integer.getInteger("b6.fibers", 1_000_000);

  static void b6() {
    int rounds = 5;
    System.out.printf(
        "%nB6: retained heap per parked fiber, %,d fibers (median of %d interleaved rounds)%n",
        B6_FIBERS, rounds);
    long[] raws = new long[rounds];
    long[] eios = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      raws[r] = b6Raw();
      eios[r] = b6Switch();
    }
    System.out.println("  rounds, raw: " + java.util.Arrays.toString(raws));
    System.out.println("  rounds, eio: " + java.util.Arrays.toString(eios));
    java.util.Arrays.sort(raws);
    java.util.Arrays.sort(eios);
    long raw = raws[rounds / 2];
    long eio = eios[rounds / 2];
    System.out.printf("  %-42s %12d bytes/fiber%n", "raw virtual thread in CountDownLatch.await", raw);
    System.out.printf(
        "  %-42s %12d bytes/fiber  ratio to raw: %.2f%n",
        "eio fiber in Promise.await", eio, (double) eio / raw);
  }

  private static long b6Raw() {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(B6_FIBERS);
    long before = usedHeap();
    List<Thread> threads = new ArrayList<>(B6_FIBERS);
    ThreadFactory f = Thread.ofVirtual().factory();
    for (int i = 0; i < B6_FIBERS; i++) {
      Thread t =
          f.newThread(
              () -> {
                started.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      threads.add(t);
      t.start();
    }
    awaitQuietly(started);
    settle();
    long per = (usedHeap() - before - threadListBytes()) / B6_FIBERS;
    release.countDown();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return per;
  }

  private static long b6Switch() {
    Promise<Void> release = Promise.create();
    CountDownLatch started = new CountDownLatch(B6_FIBERS);
    long before = usedHeap();
    long[] per = new long[1];
    Switch.run(
        sw -> {
          for (int i = 0; i < B6_FIBERS; i++) {
            sw.fork(
                () -> {
                  started.countDown();
                  release.await();
                });
          }
          started.await();
          settle();
          per[0] = (usedHeap() - before) / B6_FIBERS;
          release.resolve(null);
        });
    return per[0];
  }

  /** Lets every fiber that counted down reach its park before the heap is read. */
  private static void settle() {
    LockSupport.parkNanos(500_000_000L);
  }

  /** The raw baseline keeps its threads in a list (to join them); do not charge it for that. */
  private static long threadListBytes() {
    return 4L * B6_FIBERS + 16;
  }

  private static void awaitQuietly(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

}
