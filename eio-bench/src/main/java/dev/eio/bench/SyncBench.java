package dev.eio.bench;

import dev.eio.Mutex;
import dev.eio.Semaphore;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Side-by-side cost of our {@link Mutex} and {@link Semaphore} against {@code ReentrantLock} and
 * {@code java.util.concurrent.Semaphore}, in the same JVM run, on fibers (virtual threads).
 *
 * <p>Each workload runs {@code fibers} fibers that each do {@code ops} acquire/release pairs
 * around a tiny critical section; the median of the measured rounds is reported, with the ratio
 * ours / baseline (below 1 means ours is faster). Our primitives hand the lock or permit to the
 * oldest waiter (FIFO, no barging), so the fair JDK variants are the like-for-like baselines; the
 * non-fair ones show what barging buys under contention.
 *
 * <p>Arguments: {@code [fibers] [opsPerFiber] [rounds]}, default {@code 8 100000 7}.
 */
public final class SyncBench {
  private SyncBench() {}

  interface Body {
    void run(int ops);
  }

  static final int WARMUP = 5;
  static long[] counter = new long[1];

  public static void main(String[] args) {
    int fibers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    System.out.printf(
        "SyncBench: %d fibers x %d ops, median of %d rounds (after %d warm-up rounds), %d cores%n",
        fibers, ops, rounds, WARMUP, Runtime.getRuntime().availableProcessors());

    for (int f : new int[] {1, fibers}) {
      Mutex m = new Mutex();
      ReentrantLock fair = new ReentrantLock(true);
      ReentrantLock unfair = new ReentrantLock(false);
      double ours =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              m.lock();
              counter[0]++;
              m.unlock();
            }
          });
      double fairNs =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              fair.lock();
              counter[0]++;
              fair.unlock();
            }
          });
      double unfairNs =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              unfair.lock();
              counter[0]++;
              unfair.unlock();
            }
          });
      report("mutex lock/unlock, " + f + " fiber(s)", ours, "ReentrantLock(fair)", fairNs,
          "ReentrantLock(non-fair)", unfairNs);
    }

    {
      // Forced contention: the holder yields inside the critical section, so the others queue
      // and every unlock is a hand-off to a parked fiber.
      int f = fibers;
      int n = Math.max(1, ops / 20);
      Mutex m = new Mutex();
      ReentrantLock fair = new ReentrantLock(true);
      ReentrantLock unfair = new ReentrantLock(false);
      double ours =
          measure(f, n, rounds, k -> {
            for (int i = 0; i < k; i++) {
              m.lock();
              Thread.yield();
              m.unlock();
            }
          });
      double fairNs =
          measure(f, n, rounds, k -> {
            for (int i = 0; i < k; i++) {
              fair.lock();
              Thread.yield();
              fair.unlock();
            }
          });
      double unfairNs =
          measure(f, n, rounds, k -> {
            for (int i = 0; i < k; i++) {
              unfair.lock();
              Thread.yield();
              unfair.unlock();
            }
          });
      report("mutex, yield while holding, " + f + " fibers", ours, "ReentrantLock(fair)", fairNs,
          "ReentrantLock(non-fair)", unfairNs);
    }

    for (int f : new int[] {1, fibers}) {
      int permits = Math.max(1, f / 2);
      Semaphore s = new Semaphore(permits);
      java.util.concurrent.Semaphore fair = new java.util.concurrent.Semaphore(permits, true);
      java.util.concurrent.Semaphore unfair = new java.util.concurrent.Semaphore(permits, false);
      double ours =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              s.acquire();
              s.release();
            }
          });
      double fairNs =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              fair.acquireUninterruptibly();
              fair.release();
            }
          });
      double unfairNs =
          measure(f, ops, rounds, n -> {
            for (int i = 0; i < n; i++) {
              unfair.acquireUninterruptibly();
              unfair.release();
            }
          });
      report("semaphore(" + permits + ") acquire/release, " + f + " fiber(s)", ours,
          "j.u.c.Semaphore(fair)", fairNs, "j.u.c.Semaphore(non-fair)", unfairNs);
    }
  }

  /** Median nanoseconds per operation over {@code rounds} runs of {@code fibers} fibers. */
  static double measure(int fibers, int ops, int rounds, Body body) {
    List<Double> ns = new ArrayList<>();
    for (int r = -WARMUP; r < rounds; r++) {
      long t0 = System.nanoTime();
      Switch.run(
          sw -> {
            for (int i = 0; i < fibers; i++) {
              sw.fork(() -> body.run(ops));
            }
          });
      long t = System.nanoTime() - t0;
      if (r >= 0) {
        ns.add((double) t / ((long) fibers * ops));
      }
    }
    Collections.sort(ns);
    return ns.get(ns.size() / 2);
  }

  static void report(String what, double ours, String b1, double n1, String b2, double n2) {
    System.out.printf(
        "%-45s ours %8.1f ns/op | %-26s %8.1f ns/op (ratio %.2f) | %-26s %8.1f ns/op (ratio %.2f)%n",
        what, ours, b1, n1, ours / n1, b2, n2, ours / n2);
  }
}
