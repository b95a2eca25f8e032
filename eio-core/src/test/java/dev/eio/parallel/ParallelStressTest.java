package dev.eio.parallel;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random sizes, chunkings, failures and cancellation points; checks that nothing is lost or
 * done twice, that bounds hold, and that nothing runs after its caller has returned. Raise the
 * iteration count with {@code -Deio.stress.iterations=N}; replay a failure with the seed it
 * reports, {@code -Deio.stress.seed=S}.
 */
@Timeout(120)
class ParallelStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 40);

  @Test
  void mapUnderRandomFailuresAndCancellationNeverLosesOrRepeatsAnItem() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          for (int it = 0; it < ITERATIONS; it++) {
            int n = rnd.nextInt(2000);
            int chunk = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(50);
            ParallelOptions o = ParallelOptions.defaults().withChunkSize(chunk);
            if (rnd.nextBoolean()) {
              o = o.unordered();
            }
            int failAt = n > 0 && rnd.nextInt(3) == 0 ? rnd.nextInt(n) : -1;
            int cancelAfter = n > 0 && rnd.nextInt(3) == 0 ? rnd.nextInt(n) : -1;
            String where = "seed " + seed + " iteration " + it + " n=" + n + " " + o;
            AtomicIntegerArray calls = new AtomicIntegerArray(Math.max(1, n));
            AtomicInteger started = new AtomicInteger();
            AtomicBoolean returned = new AtomicBoolean();
            AtomicBoolean lateCall = new AtomicBoolean();
            List<Integer> in = IntStream.range(0, n).boxed().toList();
            ParallelOptions opts = o;
            try {
              List<Integer> out =
                  Cancel.subCall(
                      ctx -> {
                        try {
                          return Parallel.map(
                              d,
                              in,
                              opts,
                              x -> {
                                if (returned.get()) {
                                  lateCall.set(true);
                                }
                                calls.incrementAndGet(x);
                                if (started.getAndIncrement() == cancelAfter) {
                                  ctx.cancel(new RuntimeException("random cancel"));
                                }
                                if (x == failAt) {
                                  throw new IllegalStateException("random failure");
                                }
                                return x * 3;
                              });
                        } finally {
                          returned.set(true);
                        }
                      });
              assertEquals(-1, failAt, where + ": a failure was swallowed");
              List<Integer> expected = in.stream().map(x -> x * 3).toList();
              if (opts.ordered() || chunk == 0) {
                assertEquals(expected, out, where);
              } else {
                assertEquals(expected, out.stream().sorted().toList(), where);
              }
              for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), where + ": item " + i);
              }
            } catch (ItemFailedException e) {
              assertEquals(failAt, e.index(), where);
            } catch (Cancelled c) {
              assertTrue(cancelAfter >= 0, where + ": cancelled without a cancel");
            }
            for (int i = 0; i < n; i++) {
              assertTrue(calls.get(i) <= 1, where + ": item " + i + " done twice");
            }
            assertFalse(lateCall.get(), where + ": fn ran after map returned");
          }
        });
  }

  @Test
  void pipelineUnderRandomFailuresAndCancellationKeepsOrderAndBounds() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          for (int it = 0; it < ITERATIONS; it++) {
            boolean infinite = rnd.nextInt(3) == 0;
            int n = rnd.nextInt(1500);
            int chunk = 1 + rnd.nextInt(10);
            int bound = chunk + rnd.nextInt(60);
            PipelineOptions o =
                PipelineOptions.defaults()
                    .withWorkers(1 + rnd.nextInt(4))
                    .withChunkSize(chunk)
                    .withMaxInFlight(bound);
            if (rnd.nextBoolean()) {
              o = o.unordered();
            }
            long failAt = rnd.nextInt(4) == 0 ? rnd.nextInt(Math.max(1, n)) : -1;
            // An infinite source ends only by the cancel (or a failure): its count must be one the
            // consumer reaches. A count of 0 (drawn once in 8000 iterations before) never is, and
            // the pipeline then ran until the class timeout.
            long cancelAfter =
                infinite
                    ? 1 + rnd.nextInt(2000)
                    : rnd.nextInt(3) == 0 ? rnd.nextInt(Math.max(1, n)) : -1;
            String where = "seed " + seed + " iteration " + it + " n=" + (infinite ? "inf" : n) + " " + o;
            AtomicLong pulled = new AtomicLong();
            AtomicLong consumedCount = new AtomicLong();
            AtomicLong maxInFlight = new AtomicLong();
            AtomicBoolean returned = new AtomicBoolean();
            AtomicBoolean late = new AtomicBoolean();
            List<Long> consumed = new ArrayList<>();
            Iterator<Long> source =
                new Iterator<>() {
                  @Override
                  public boolean hasNext() {
                    return infinite || pulled.get() < n;
                  }

                  @Override
                  public Long next() {
                    long v = pulled.getAndIncrement();
                    maxInFlight.accumulateAndGet(v + 1 - consumedCount.get(), Math::max);
                    return v;
                  }
                };
            PipelineOptions opts = o;
            boolean completed = false;
            try {
              Cancel.sub(
                  ctx -> {
                    try {
                      Parallel.pipeline(
                          d,
                          source,
                          x -> {
                            if (returned.get()) {
                              late.set(true);
                            }
                            if (x == failAt) {
                              throw new IllegalStateException("random failure");
                            }
                            if ((x & 7) == 0) {
                              Fiber.check();
                              Thread.yield();
                            }
                            return -x;
                          },
                          y -> {
                            consumed.add(-y);
                            if (consumedCount.incrementAndGet() == cancelAfter) {
                              ctx.cancel(new RuntimeException("random cancel"));
                            }
                          },
                          opts);
                    } finally {
                      returned.set(true);
                    }
                  });
              completed = true;
            } catch (ItemFailedException e) {
              assertEquals(failAt, e.index(), where);
            } catch (Cancelled c) {
              assertTrue(cancelAfter >= 0, where + ": cancelled without a cancel");
            }
            assertFalse(late.get(), where + ": work ran after the pipeline returned");
            assertTrue(maxInFlight.get() <= bound, where + ": in flight " + maxInFlight.get());
            Set<Long> distinct = new HashSet<>(consumed);
            assertEquals(consumed.size(), distinct.size(), where + ": an item consumed twice");
            if (opts.ordered()) {
              for (int i = 0; i < consumed.size(); i++) {
                assertEquals((long) i, consumed.get(i), where + ": out of order");
              }
            }
            if (completed) {
              assertFalse(infinite, where);
              assertEquals(n, consumed.size(), where + ": items lost");
            }
          }
        });
  }

  @Test
  void sectionsCancelledAtRandomPointsAlwaysEndBeforeTheirCaller() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          for (int it = 0; it < ITERATIONS * 5; it++) {
            int cancelAfter = rnd.nextInt(200);
            AtomicInteger steps = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            String where = "seed " + seed + " iteration " + it;
            try {
              Cancel.sub(
                  ctx ->
                      Switch.run(
                          inner -> {
                            inner.fork(
                                () -> {
                                  while (steps.get() < cancelAfter) {
                                    Fiber.yield();
                                  }
                                  ctx.cancel(new RuntimeException("random cancel"));
                                });
                            try {
                              d.run(
                                  () -> {
                                    running.incrementAndGet();
                                    try {
                                      for (int i = 0; i < 400; i++) {
                                        Fiber.both(
                                            () -> {
                                              steps.incrementAndGet();
                                              Fiber.check();
                                            },
                                            () -> DomainManagerTest.fib(8));
                                      }
                                    } finally {
                                      running.decrementAndGet();
                                    }
                                  });
                            } finally {
                              assertEquals(0, running.get(), where + ": fn still running");
                            }
                          }));
            } catch (Cancelled expected) {
              // Either outcome is fine; what matters is the check in the finally above.
            }
          }
        });
  }
}
