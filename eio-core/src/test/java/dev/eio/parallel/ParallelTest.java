package dev.eio.parallel;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParallelTest {
  interface Body {
    void run(DomainManager d) throws Exception;
  }

  static void withDomains(int n, Body body) {
    Switch.run(sw -> body.run(DomainManager.create(sw, n)));
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  // ---------------------------------------------------------------- map, fold

  @Test
  void mapKeepsInputOrderAndRunsOnDomains() {
    withDomains(
        3,
        d -> {
          Set<Boolean> onDomain = ConcurrentHashMap.newKeySet();
          List<Integer> out =
              Parallel.map(
                  d,
                  range(1000),
                  x -> {
                    onDomain.add(Thread.currentThread().getName().startsWith("eio-domain-"));
                    return x * x;
                  });
          assertEquals(range(1000).stream().map(x -> x * x).toList(), out);
          assertEquals(Set.of(true), onDomain);
          assertEquals(List.of(), Parallel.map(d, List.<Integer>of(), x -> x));
        });
  }

  @Test
  void chunkedMapKeepsOrderWhenAskedAndReturnsEachResultOnceWhenNot() {
    withDomains(
        3,
        d -> {
          List<Integer> in = range(1001);
          ParallelOptions chunks = ParallelOptions.defaults().withChunkSize(7);
          assertEquals(in, Parallel.map(d, in, chunks, x -> x));
          List<Integer> unordered = Parallel.map(d, in, chunks.unordered(), x -> x);
          assertEquals(in, unordered.stream().sorted().toList());
        });
  }

  @Test
  void mapIndexedGivesEachItemItsIndexAndArraysWorkToo() {
    withDomains(
        2,
        d -> {
          List<String> out = Parallel.mapIndexed(d, List.of("a", "b", "c"), (i, s) -> s + i);
          assertEquals(List.of("a0", "b1", "c2"), out);
          assertEquals(List.of(2, 4, 6), Parallel.map(d, new Integer[] {1, 2, 3}, x -> x * 2));
          assertEquals(6, Parallel.fold(d, new Integer[] {1, 2, 3}, 0, Integer::sum, Integer::sum));
          AtomicInteger sum = new AtomicInteger();
          Parallel.forEach(d, new Integer[] {1, 2, 3}, sum::addAndGet);
          assertEquals(6, sum.get());
        });
  }

  @Test
  void foldCombinesPartsInInputOrder() {
    withDomains(
        3,
        d -> {
          List<Integer> in = range(200);
          String expected = in.stream().map(String::valueOf).collect(Collectors.joining(","));
          for (ParallelOptions o :
              List.of(ParallelOptions.defaults(), ParallelOptions.defaults().withChunkSize(9))) {
            String got =
                Parallel.fold(
                    d,
                    in,
                    o,
                    "",
                    (acc, x) -> acc.isEmpty() ? "" + x : acc + "," + x,
                    (a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : a + "," + b);
            assertEquals(expected, got, o.toString());
          }
          long sumOfSquares = Parallel.mapFold(d, in, x -> (long) x * x, 0L, Long::sum);
          assertEquals(in.stream().mapToLong(x -> (long) x * x).sum(), sumOfSquares);
        });
  }

  @Test
  void eachWorkerRunsInitBeforeAndFinishAfterItsItems() {
    withDomains(
        3,
        d -> {
          Map<Integer, String> log = new ConcurrentHashMap<>();
          ParallelOptions o =
              ParallelOptions.defaults()
                  .withChunkSize(2)
                  .withInit(w -> log.merge(w, "init", (a, b) -> a + "," + b))
                  .withFinish(w -> log.merge(w, "finish", (a, b) -> a + "," + b));
          Parallel.forEach(d, range(20), o, x -> {});
          assertEquals(Map.of(0, "init,finish", 1, "init,finish", 2, "init,finish"), log);
          log.clear();
          Parallel.forEach(d, range(2), o, x -> {});
          assertEquals(Set.of(0, 1), log.keySet(), "no more workers than items");
        });
  }

  @Test
  void theFirstFailureCancelsTheSiblingsAndNamesTheItem() {
    withDomains(
        2,
        d -> {
          IllegalStateException boom = new IllegalStateException("bad item");
          AtomicBoolean finishRan = new AtomicBoolean();
          ItemFailedException e =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.map(
                          d,
                          range(100),
                          ParallelOptions.defaults().withFinish(w -> finishRan.set(true)),
                          x -> {
                            if (x == 0) {
                              Fiber.awaitCancel(); // returns only if the failure cancels us
                            }
                            if (x == 50) {
                              throw boom;
                            }
                            return x;
                          }));
          assertEquals(50, e.index());
          assertEquals(50, e.item());
          assertSame(boom, e.getCause());
          assertTrue(e.getMessage().contains("item 50"), e.getMessage());
          assertTrue(finishRan.get());
        });
  }

  @Test
  void initAndFinishFailuresAreRethrownAsThemselves() {
    withDomains(
        2,
        d -> {
          IllegalStateException initBoom = new IllegalStateException("init");
          assertSame(
              initBoom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Parallel.map(
                          d,
                          range(10),
                          ParallelOptions.defaults()
                              .withInit(
                                  w -> {
                                    throw initBoom;
                                  }),
                          x -> x)));
          IllegalStateException finishBoom = new IllegalStateException("finish");
          assertSame(
              finishBoom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Parallel.forEach(
                          d,
                          range(10),
                          ParallelOptions.defaults()
                              .withFinish(
                                  w -> {
                                    throw finishBoom;
                                  }),
                          x -> {})));
          IllegalStateException combineBoom = new IllegalStateException("combine");
          assertSame(
              combineBoom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Parallel.fold(
                          d,
                          range(10),
                          0,
                          Integer::sum,
                          (a, b) -> {
                            throw combineBoom;
                          })));
        });
  }

  @Test
  void foldAndMapFoldFailuresNameTheItemToo() {
    withDomains(
        2,
        d -> {
          IllegalStateException boom = new IllegalStateException("acc");
          ItemFailedException e =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.fold(
                          d,
                          range(100),
                          0,
                          (acc, x) -> {
                            if (x == 71) {
                              throw boom;
                            }
                            return acc + x;
                          },
                          Integer::sum));
          assertEquals(71, e.index());
          assertSame(boom, e.getCause());
          ItemFailedException m =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.mapFold(
                          d,
                          range(100),
                          x -> {
                            if (x == 9) {
                              throw boom;
                            }
                            return x;
                          },
                          0,
                          Integer::sum));
          assertEquals(9, m.index());
          ItemFailedException idx =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.mapIndexed(
                          d,
                          range(10),
                          (i, x) -> {
                            if (i == 4) {
                              throw boom;
                            }
                            return x;
                          }));
          assertEquals(4, idx.index());
        });
  }

  @Test
  void cancellingTheCallerMidMapStopsEveryWorkerBeforeReturning() {
    withDomains(
        2,
        d -> {
          AtomicBoolean returned = new AtomicBoolean();
          AtomicBoolean ranAfterReturn = new AtomicBoolean();
          AtomicInteger done = new AtomicInteger();
          RuntimeException reason = new RuntimeException("enough");
          Cancelled c =
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx -> {
                            try {
                              Parallel.forEach(
                                  d,
                                  range(1_000_000),
                                  ParallelOptions.defaults().withChunkSize(10),
                                  x -> {
                                    if (returned.get()) {
                                      ranAfterReturn.set(true);
                                    }
                                    if (done.incrementAndGet() == 100) {
                                      ctx.cancel(reason);
                                    }
                                    DomainManagerTest.fib(10);
                                  });
                            } finally {
                              returned.set(true);
                            }
                          }));
          assertSame(reason, c.reason());
          assertTrue(done.get() < 1_000_000);
          int after = done.get();
          assertEquals(after, Parallel.map(d, List.of(after), x -> done.get()).get(0));
          assertFalse(ranAfterReturn.get());
        });
  }

  @Test
  void badOptionsAreClearErrors() {
    assertEquals(
        "chunkSize must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> new ParallelOptions(-1, true, null, null))
            .getMessage());
    assertEquals(
        "chunkSize must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> PipelineOptions.defaults().withChunkSize(0))
            .getMessage());
    assertEquals(
        "maxInFlight must be >= chunkSize (8), got 4",
        assertThrows(
                IllegalArgumentException.class,
                () -> PipelineOptions.defaults().withChunkSize(8).withMaxInFlight(4))
            .getMessage());
    assertEquals(
        "maxAttempts must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.retry(0)).getMessage());
  }

  @Test
  void parallelOperationsNestInsideASectionOnTheSameDomains() {
    withDomains(
        2,
        d -> {
          List<List<Integer>> nested =
              d.run(() -> Parallel.map(d, range(4), i -> Parallel.map(d, range(i), j -> i * j)));
          assertEquals(List.of(List.of(), List.of(0), List.of(0, 2), List.of(0, 3, 6)), nested);
          IllegalStateException e =
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      d.run(
                          () ->
                              Parallel.pipeline(
                                  d, range(3).iterator(), x -> x, x -> {}, PipelineOptions.defaults())));
          assertTrue(e.getMessage().contains("inside a section"), e.getMessage());
          assertThrows(
              IllegalStateException.class,
              () ->
                  d.run(
                      () ->
                          Parallel.compute(
                              d, (Integer x) -> x, (t, r) -> List.of(), List.of(1), RetryPolicy.failFast())));
        });
  }

  // ---------------------------------------------------------------- pipeline

  @Test
  void pipelineDeliversEveryItemInSourceOrderWhenAsked() {
    withDomains(
        3,
        d -> {
          List<Integer> got = new ArrayList<>();
          Thread caller = Thread.currentThread();
          AtomicBoolean consumerOffCaller = new AtomicBoolean();
          Parallel.pipeline(
              d,
              range(1000).iterator(),
              x -> {
                DomainManagerTest.fib(x % 15); // uneven work, so chunks finish out of order
                return x * 2;
              },
              x -> {
                if (Thread.currentThread() != caller) {
                  consumerOffCaller.set(true);
                }
                got.add(x);
              },
              PipelineOptions.defaults().withChunkSize(7).withMaxInFlight(50));
          assertEquals(range(1000).stream().map(x -> x * 2).toList(), got);
          assertFalse(consumerOffCaller.get(), "the consumer runs in the calling fiber");
        });
  }

  @Test
  void unorderedPipelineDeliversEveryItemExactlyOnce() {
    withDomains(
        2,
        d -> {
          List<Integer> got = new ArrayList<>();
          Parallel.pipeline(
              d,
              range(500).iterator(),
              x -> x,
              got::add,
              PipelineOptions.defaults().withWorkers(4).withChunkSize(3).unordered());
          Collections.sort(got);
          assertEquals(range(500), got);
          Parallel.pipeline(
              d, Collections.<Integer>emptyIterator(), x -> x, got::add, PipelineOptions.defaults());
        });
  }

  @Test
  void anInfiniteSourceNeverHasMoreItemsInFlightThanTheBound() {
    int bound = 64;
    AtomicLong pulled = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicLong maxInFlight = new AtomicLong();
    Iterator<Long> infinite =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Long next() {
            long inFlight = pulled.incrementAndGet() - consumed.get();
            maxInFlight.accumulateAndGet(inFlight, Math::max);
            return pulled.get();
          }
        };
    withDomains(
        2,
        d ->
            assertThrows(
                Cancelled.class,
                () ->
                    Cancel.sub(
                        ctx ->
                            Parallel.pipeline(
                                d,
                                infinite,
                                x -> x + DomainManagerTest.fib(8),
                                x -> {
                                  if (consumed.incrementAndGet() == 5_000) {
                                    ctx.cancel(new RuntimeException("seen enough"));
                                  }
                                },
                                PipelineOptions.defaults()
                                    .withChunkSize(4)
                                    .withMaxInFlight(bound)))));
    assertTrue(consumed.get() >= 5_000);
    assertTrue(maxInFlight.get() <= bound, "in flight reached " + maxInFlight.get());
    assertTrue(maxInFlight.get() >= 4, "the pipeline never ran ahead at all");
  }

  @Test
  void pipelineFailuresNameTheItemOrAreTheCallbacksOwn() {
    withDomains(
        2,
        d -> {
          IllegalStateException boom = new IllegalStateException("work");
          ItemFailedException e =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.pipeline(
                          d,
                          range(100).iterator(),
                          x -> {
                            if (x == 37) {
                              throw boom;
                            }
                            return x;
                          },
                          x -> {},
                          PipelineOptions.defaults().withChunkSize(5)));
          assertEquals(37, e.index());
          assertSame(boom, e.getCause());
          IllegalStateException sourceBoom = new IllegalStateException("source");
          Iterator<Integer> bad =
              new Iterator<>() {
                int n;

                @Override
                public boolean hasNext() {
                  return true;
                }

                @Override
                public Integer next() {
                  if (++n == 10) {
                    throw sourceBoom;
                  }
                  return n;
                }
              };
          assertSame(
              sourceBoom,
              assertThrows(
                  IllegalStateException.class,
                  () -> Parallel.pipeline(d, bad, x -> x, x -> {}, PipelineOptions.defaults())));
          IllegalStateException consumerBoom = new IllegalStateException("consumer");
          assertSame(
              consumerBoom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Parallel.pipeline(
                          d,
                          range(100).iterator(),
                          x -> x,
                          x -> {
                            throw consumerBoom;
                          },
                          PipelineOptions.defaults())));
        });
  }

  // ---------------------------------------------------------------- compute

  @Test
  void computeRunsTasksTheMasterCreatesUntilNoneAreLeft() {
    withDomains(
        2,
        d -> {
          AtomicLong leaves = new AtomicLong();
          Thread caller = Thread.currentThread();
          List<Thread> masterThreads = new CopyOnWriteArrayList<>();
          Parallel.compute(
              d,
              (Integer n) -> n,
              (n, r) -> {
                masterThreads.add(Thread.currentThread());
                if (r < 2) {
                  leaves.addAndGet(r);
                  return List.of();
                }
                return List.of(n - 1, n - 2);
              },
              List.of(15),
              RetryPolicy.failFast());
          assertEquals(DomainManagerTest.fib(15), leaves.get());
          assertTrue(masterThreads.stream().allMatch(t -> t == caller));
          Parallel.compute(d, (Integer n) -> n, (n, r) -> List.of(), List.of(), RetryPolicy.failFast());
        });
  }

  @Test
  void aFailingTaskIsRetriedAsThePolicySaysThenFailsNamingIt() {
    withDomains(
        2,
        d -> {
          Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
          Parallel.Master<Integer, Integer> none = (t, r) -> List.of();
          dev.eio.CheckedFunction<Integer, Integer> flaky =
              t -> {
                int a = attempts.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
                if (t == 3 && a < 3) {
                  throw new IllegalStateException("attempt " + a);
                }
                return t;
              };
          Parallel.compute(d, flaky, none, List.of(1, 2, 3), RetryPolicy.retry(3));
          assertEquals(3, attempts.get(3).get());
          attempts.clear();
          ItemFailedException e =
              assertThrows(
                  ItemFailedException.class,
                  () -> Parallel.compute(d, flaky, none, List.of(1, 2, 3), RetryPolicy.retry(2)));
          assertEquals(2, e.index());
          assertEquals(3, e.item());
          assertEquals("attempt 2", e.getCause().getMessage());
          assertEquals(1, e.getSuppressed().length);
          attempts.clear();
          assertThrows(
              ItemFailedException.class,
              () ->
                  Parallel.compute(
                      d,
                      flaky,
                      none,
                      List.of(3),
                      RetryPolicy.retry(5, x -> !(x instanceof IllegalStateException))));
          assertEquals(1, attempts.get(3).get());
        });
  }

  @Test
  void cancellingTheCallerMidComputeStopsTheWorkersBeforeReturning() {
    withDomains(
        2,
        d -> {
          AtomicInteger running = new AtomicInteger();
          AtomicInteger runningAtReturn = new AtomicInteger(-1);
          java.util.concurrent.CountDownLatch spinning = new java.util.concurrent.CountDownLatch(1);
          RuntimeException reason = new RuntimeException("stop computing");
          Cancelled c =
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx ->
                              Switch.run(
                                  inner -> {
                                    inner.fork(
                                        () -> {
                                          spinning.await();
                                          ctx.cancel(reason);
                                        });
                                    try {
                                      Parallel.compute(
                                          d,
                                          (Integer t) -> {
                                            running.incrementAndGet();
                                            try {
                                              spinning.countDown();
                                              while (true) {
                                                Fiber.check(); // until the cancellation arrives
                                              }
                                            } finally {
                                              running.decrementAndGet();
                                            }
                                          },
                                          (t, r) -> List.of(),
                                          List.of(1, 2, 3),
                                          RetryPolicy.failFast());
                                    } finally {
                                      runningAtReturn.set(running.get());
                                    }
                                  })));
          assertSame(reason, c.reason());
          assertEquals(0, runningAtReturn.get(), "a worker outlived compute");
        });
  }

  @Test
  void aFailedComputationCancelsTheRunningTasksAndMasterFailuresAreTheirOwn() {
    withDomains(
        2,
        d -> {
          AtomicBoolean blockerEnded = new AtomicBoolean();
          assertThrows(
              ItemFailedException.class,
              () ->
                  Parallel.compute(
                      d,
                      (Integer t) -> {
                        if (t == 0) {
                          try {
                            Fiber.awaitCancel();
                          } finally {
                            blockerEnded.set(true);
                          }
                        }
                        throw new IllegalStateException("task " + t);
                      },
                      (t, r) -> List.of(),
                      List.of(0, 1),
                      RetryPolicy.failFast()));
          assertTrue(blockerEnded.get());
          IllegalStateException masterBoom = new IllegalStateException("master");
          assertSame(
              masterBoom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Parallel.compute(
                          d,
                          (Integer t) -> t,
                          (t, r) -> {
                            throw masterBoom;
                          },
                          List.of(1),
                          RetryPolicy.failFast())));
        });
  }
}
