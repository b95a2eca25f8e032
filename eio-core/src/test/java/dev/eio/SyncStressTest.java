package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized runs of the sync primitives, the pool and virtual time, with fibers cancelled at
 * random points; each run checks that nothing was lost or counted twice. Raise the number of
 * runs with {@code -Deio.stress.iterations=N}.
 */
@Timeout(60)
class SyncStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 15);

  /** Forks {@code workers} fibers, each in its own cancellable context, plus a canceller. */
  private static void withRandomCancellation(Switch sw, int workers, int cancels, Task work) {
    List<Cancel.Context> ctxs = new CopyOnWriteArrayList<>();
    for (int i = 0; i < workers; i++) {
      sw.fork(
          () -> {
            try {
              Cancel.sub(
                  ctx -> {
                    ctxs.add(ctx);
                    work.run();
                  });
            } catch (Cancelled expected) {
              // This worker was picked by the canceller.
            }
          });
    }
    sw.fork(
        () -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          for (int k = 0; k < cancels; k++) {
            for (int y = r.nextInt(20); y > 0; y--) {
              Fiber.yield();
            }
            if (!ctxs.isEmpty()) {
              ctxs.get(r.nextInt(ctxs.size())).cancel(new RuntimeException("chaos"));
            }
          }
        });
  }

  private static void maybeYield() {
    if (ThreadLocalRandom.current().nextInt(3) == 0) {
      Fiber.yield();
    }
  }

  @Test
  void semaphoreNeverLosesOrDuplicatesAPermitUnderRandomCancellation() {
    Random seeds = new Random(1);
    for (int it = 0; it < ITERATIONS; it++) {
      int permits = 1 + seeds.nextInt(3);
      Semaphore s = new Semaphore(permits);
      AtomicInteger holders = new AtomicInteger();
      AtomicInteger overbooked = new AtomicInteger();
      Switch.run(
          sw ->
              withRandomCancellation(
                  sw,
                  16,
                  6,
                  () -> {
                    for (int k = 0; k < 10; k++) {
                      s.acquire();
                      try {
                        if (holders.incrementAndGet() > permits) {
                          overbooked.incrementAndGet();
                        }
                        maybeYield();
                      } finally {
                        holders.decrementAndGet();
                        s.release();
                      }
                    }
                  }));
      assertEquals(0, overbooked.get(), "more holders than permits, iteration " + it);
      assertEquals(permits, s.available(), "permits lost or duplicated, iteration " + it);
      assertEquals(0, s.waiting());
    }
  }

  @Test
  void mutexCountsEveryCompletedUpdateExactlyOnceUnderRandomCancellation() {
    for (int it = 0; it < ITERATIONS; it++) {
      Mutex m = new Mutex();
      int[] counter = {0};
      AtomicInteger completed = new AtomicInteger();
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      Switch.run(
          sw ->
              withRandomCancellation(
                  sw,
                  12,
                  6,
                  () -> {
                    for (int k = 0; k < 10; k++) {
                      m.useRw(
                          true,
                          () -> {
                            if (inside.incrementAndGet() != 1) {
                              overlaps.incrementAndGet();
                            }
                            int v = counter[0];
                            maybeYield();
                            counter[0] = v + 1;
                            inside.decrementAndGet();
                          });
                      completed.incrementAndGet();
                    }
                  }));
      assertEquals(0, overlaps.get(), "two fibers inside the mutex, iteration " + it);
      assertEquals(completed.get(), counter[0], "iteration " + it);
      assertFalse(m.isPoisoned());
      assertTrue(m.tryLock(), "the mutex was left locked, iteration " + it);
    }
  }

  @Test
  void conditionQueueDeliversEveryItemExactlyOnceUnderRandomCancellation() {
    final int pill = -1;
    for (int it = 0; it < ITERATIONS; it++) {
      Mutex m = new Mutex();
      Condition changed = new Condition();
      ArrayDeque<Integer> q = new ArrayDeque<>();
      ConcurrentLinkedQueue<Integer> consumed = new ConcurrentLinkedQueue<>();
      int items = 200;
      Task consumer =
          () -> {
            while (true) {
              int item;
              m.lock();
              try {
                while (q.isEmpty()) {
                  changed.await(m);
                }
                item = q.peek();
                if (item != pill) {
                  q.poll();
                  consumed.add(item);
                }
              } finally {
                m.unlock();
              }
              if (item == pill) {
                return;
              }
              maybeYield();
            }
          };
      Switch.run(
          sw -> {
            sw.fork(consumer); // never cancelled: guarantees the queue drains
            withRandomCancellation(sw, 6, 4, consumer);
            for (int i = 0; i < items; i++) {
              int item = i;
              m.useRw(
                  false,
                  () -> {
                    q.add(item);
                    changed.broadcast();
                  });
              maybeYield();
            }
            m.useRw(
                false,
                () -> {
                  q.add(pill);
                  changed.broadcast();
                });
          });
      List<Integer> got = new ArrayList<>(consumed);
      Collections.sort(got);
      List<Integer> want = new ArrayList<>();
      for (int i = 0; i < items; i++) {
        want.add(i);
      }
      assertEquals(want, got, "items lost or delivered twice, iteration " + it);
      assertEquals(List.of(pill), List.copyOf(q));
    }
  }

  /** A pooled resource that checks it is never shared or used after disposal. */
  static final class Res {
    final AtomicBoolean lent = new AtomicBoolean();
    final AtomicInteger disposed = new AtomicInteger();
    volatile boolean broken;
  }

  @Test
  void poolNeverSharesAResourceAndDisposesEachExactlyOnceUnderRandomCancellation() {
    for (int it = 0; it < ITERATIONS; it++) {
      List<Res> all = new CopyOnWriteArrayList<>();
      AtomicInteger violations = new AtomicInteger();
      AtomicInteger lent = new AtomicInteger();
      Switch.run(
          outer -> {
            Switch.run(
                sw -> {
                  Pool<Res> pool =
                      Pool.create(
                          sw,
                          3,
                          () -> {
                            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                              throw new IllegalStateException("create failed");
                            }
                            Res r = new Res();
                            all.add(r);
                            return r;
                          },
                          r -> !r.broken,
                          r -> r.disposed.incrementAndGet());
                  withRandomCancellation(
                      sw,
                      10,
                      5,
                      () -> {
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int k = 0; k < 10; k++) {
                          try {
                            pool.use(
                                rnd.nextInt(4) == 0,
                                r -> {
                                  lent.incrementAndGet();
                                  if (!r.lent.compareAndSet(false, true) || r.disposed.get() != 0) {
                                    violations.incrementAndGet();
                                  }
                                  try {
                                    maybeYield(); // may be cancelled here
                                    if (rnd.nextInt(5) == 0) {
                                      r.broken = true;
                                    }
                                  } finally {
                                    r.lent.set(false);
                                  }
                                  return null;
                                });
                          } catch (IllegalStateException createFailed) {
                            // The next use retries.
                          }
                        }
                      });
                });
          });
      assertEquals(0, violations.get(), "a resource was shared or used after disposal, it " + it);
      // At most 5 of the 10 workers are cancelled; the others make 10 attempts each, of which
      // about one in ten fails to create.
      assertTrue(lent.get() >= 25, "too little work done: " + lent.get() + ", iteration " + it);
      for (Res r : all) {
        assertEquals(1, r.disposed.get(), "every resource disposed exactly once, iteration " + it);
      }
    }
  }

  @Test
  void virtualTimeoutsAndCancellationsHappenAtExactlyTheirVirtualInstants() {
    Random seeds = new Random(7);
    for (int it = 0; it < ITERATIONS; it++) {
      int n = 12;
      long[] sleepMin = new long[n];
      long[] limitMin = new long[n];
      for (int i = 0; i < n; i++) {
        sleepMin[i] = 1 + seeds.nextInt(100);
        do {
          limitMin[i] = 1 + seeds.nextInt(100);
        } while (limitMin[i] == sleepMin[i]);
      }
      // Cancellation at a half minute, so it never ties with a sleep or a timeout.
      Duration cancelAt = Duration.ofMinutes(seeds.nextInt(100)).plusSeconds(30);
      boolean[] targeted = new boolean[n];
      for (int i = 0; i < n; i++) {
        targeted[i] = seeds.nextBoolean();
      }
      String[] outcome = new String[n];
      VirtualClock.run(
          env ->
              Switch.run(
                  sw -> {
                    Clock c = env.clock();
                    List<Cancel.Context> targets = new CopyOnWriteArrayList<>();
                    for (int i = 0; i < n; i++) {
                      int k = i;
                      sw.fork(
                          () -> {
                            try {
                              Cancel.sub(
                                  ctx -> {
                                    if (targeted[k]) {
                                      targets.add(ctx);
                                    }
                                    Optional<Instant> r =
                                        Time.withTimeout(
                                            c,
                                            Duration.ofMinutes(limitMin[k]),
                                            () -> {
                                              c.sleep(Duration.ofMinutes(sleepMin[k]));
                                              return c.now();
                                            });
                                    outcome[k] =
                                        r.map(t -> "woke@" + t).orElse("timeout@" + c.now());
                                  });
                            } catch (Cancelled e) {
                              outcome[k] = "cancelled@" + c.now();
                            }
                          });
                    }
                    sw.fork(
                        () -> {
                          c.sleep(cancelAt);
                          for (Cancel.Context ctx : targets) {
                            ctx.cancel(new RuntimeException("chaos"));
                          }
                        });
                  }));
      for (int i = 0; i < n; i++) {
        long first = Math.min(sleepMin[i], limitMin[i]);
        String want;
        if (targeted[i] && Duration.ofMinutes(first).compareTo(cancelAt) > 0) {
          want = "cancelled@" + Instant.EPOCH.plus(cancelAt);
        } else if (sleepMin[i] < limitMin[i]) {
          want = "woke@" + Instant.EPOCH.plus(Duration.ofMinutes(sleepMin[i]));
        } else {
          want = "timeout@" + Instant.EPOCH.plus(Duration.ofMinutes(limitMin[i]));
        }
        assertEquals(want, outcome[i], "fiber " + i + ", iteration " + it);
      }
    }
  }

  @Test
  void virtualTimeNeverJumpsWhileFibersHandWorkToEachOther() {
    for (int it = 0; it < ITERATIONS; it++) {
      List<Instant> seen = new CopyOnWriteArrayList<>();
      Instant[] sleeperWoke = new Instant[1];
      VirtualClock.run(
          env ->
              Switch.run(
                  sw -> {
                    Clock c = env.clock();
                    Semaphore ping = new Semaphore(0);
                    Semaphore pong = new Semaphore(0);
                    sw.fork(
                        () -> {
                          c.sleep(Duration.ofHours(1));
                          sleeperWoke[0] = c.now();
                        });
                    sw.fork(
                        () -> {
                          for (int k = 0; k < 300; k++) {
                            ping.acquire();
                            seen.add(c.now());
                            pong.release();
                          }
                        });
                    for (int k = 0; k < 300; k++) {
                      ping.release();
                      pong.acquire();
                    }
                  }));
      // At every moment one side of the hand-off was runnable, so time could not move.
      assertEquals(300, seen.size());
      assertTrue(seen.stream().allMatch(Instant.EPOCH::equals), "time jumped, iteration " + it);
      assertEquals(Instant.EPOCH.plus(Duration.ofHours(1)), sleeperWoke[0]);
    }
  }
}
