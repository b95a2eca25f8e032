package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.internal.engine.Engines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FiberTest {

  @Test
  void theSuiteRunsOnTheEngineItExpects() {
    String expected = System.getProperty("eio.expectedEngine");
    if (expected != null) {
      assertEquals(expected, Engines.current(SwitchEngine.INSTANCE).name());
    }
  }

  @Test
  void bothRunsConcurrentlyAndWaitsForBoth() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicInteger done = new AtomicInteger();
    Fiber.both(
        () -> {
          bothStarted.countDown();
          bothStarted.await(); // deadlocks unless the two really run side by side
          done.incrementAndGet();
        },
        () -> {
          bothStarted.countDown();
          bothStarted.await();
          done.incrementAndGet();
        });
    assertEquals(2, done.get());
  }

  @Test
  void aFailureInBothCancelsTheOtherAndIsRethrownAsTheSameObject() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicBoolean otherCancelled = new AtomicBoolean();
    CountDownLatch otherStarted = new CountDownLatch(1);
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> {
                      otherStarted.countDown();
                      try {
                        Fiber.awaitCancel();
                      } catch (Cancelled c) {
                        otherCancelled.set(true);
                        throw c;
                      }
                    },
                    () -> {
                      otherStarted.await();
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertEquals(0, thrown.getSuppressed().length);
    assertTrue(otherCancelled.get());
  }

  @Test
  void pairReturnsBothValues() {
    Fiber.Pair<String, Integer> p = Fiber.pair(() -> "a", () -> 1);
    assertEquals(new Fiber.Pair<>("a", 1), p);
  }

  @Test
  void allRunsEveryTask() {
    AtomicInteger n = new AtomicInteger();
    Fiber.all(n::incrementAndGet, n::incrementAndGet, n::incrementAndGet);
    Fiber.all(List.of());
    assertEquals(3, n.get());
  }

  @Test
  void firstReturnsTheFasterAndCancelsTheSlower() {
    AtomicBoolean slowCancelled = new AtomicBoolean();
    CountDownLatch slowStarted = new CountDownLatch(1);
    String v =
        Fiber.first(
            () -> {
              slowStarted.countDown();
              try {
                Thread.sleep(Duration.ofMinutes(1));
                return "slow";
              } catch (InterruptedException e) {
                slowCancelled.set(true);
                throw e;
              }
            },
            () -> {
              slowStarted.await();
              return "fast";
            });
    assertEquals("fast", v);
    assertTrue(slowCancelled.get());
  }

  @Test
  void firstCombinesWhenBothSucceed() {
    CountDownLatch both = new CountDownLatch(2);
    Callable<Integer> a =
        () ->
            Cancel.protect(
                () -> {
                  both.countDown();
                  both.await();
                  return 1;
                });
    Callable<Integer> b =
        () ->
            Cancel.protect(
                () -> {
                  both.countDown();
                  both.await();
                  return 2;
                });
    assertEquals(12, Fiber.first(a, b, (x, y) -> x * 10 + y));
  }

  @Test
  void firstRethrowsARealFailure() {
    RuntimeException boom = new RuntimeException("boom");
    assertSame(
        boom,
        assertThrows(
            RuntimeException.class,
            () ->
                Fiber.first(
                    () -> {
                      throw boom;
                    },
                    () -> {
                      Fiber.awaitCancel();
                      return "never";
                    })));
  }

  @Test
  void anyReturnsTheFirstValueAndCancelsTheRest() {
    AtomicInteger cancelled = new AtomicInteger();
    CountDownLatch losersStarted = new CountDownLatch(2);
    List<Callable<String>> tasks =
        List.of(
            () -> {
              losersStarted.countDown();
              try {
                Fiber.awaitCancel();
              } finally {
                cancelled.incrementAndGet();
              }
              return "x";
            },
            () -> {
              losersStarted.await();
              return "winner";
            },
            () -> {
              losersStarted.countDown();
              try {
                Fiber.awaitCancel();
              } finally {
                cancelled.incrementAndGet();
              }
              return "y";
            });
    assertEquals("winner", Fiber.any(tasks));
    assertEquals(2, cancelled.get());
    assertThrows(IllegalArgumentException.class, () -> Fiber.any(List.of()));
  }

  @Test
  void nAnyReturnsEveryValueThatCompleted() {
    CountDownLatch two = new CountDownLatch(2);
    List<Callable<Integer>> tasks =
        List.of(
            () ->
                Cancel.protect(
                    () -> {
                      two.countDown();
                      two.await();
                      return 1;
                    }),
            () ->
                Cancel.protect(
                    () -> {
                      two.countDown();
                      two.await();
                      return 2;
                    }),
            () -> {
              Fiber.awaitCancel();
              return 3;
            });
    List<Integer> got = Fiber.nAny(tasks);
    assertEquals(2, got.size());
    assertTrue(got.containsAll(List.of(1, 2)));
  }

  @Test
  void mapKeepsInputOrderAndNeverRunsMoreThanMaxFibers() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    List<Integer> out =
        Fiber.map(
            items,
            4,
            x -> {
              int now = running.incrementAndGet();
              peak.accumulateAndGet(now, Math::max);
              try {
                Thread.sleep(x % 3);
              } catch (InterruptedException e) {
                throw new Cancelled(e);
              } finally {
                running.decrementAndGet();
              }
              return x * 2;
            });
    assertEquals(IntStream.range(0, 100).map(x -> x * 2).boxed().toList(), out);
    assertTrue(peak.get() <= 4, "peak " + peak.get());
  }

  @Test
  void filterAndForEachKeepOrderAndVisitEveryItem() {
    List<Integer> items = IntStream.range(0, 50).boxed().toList();
    assertEquals(
        IntStream.range(0, 50).filter(x -> x % 3 == 0).boxed().toList(),
        Fiber.filter(items, 5, x -> x % 3 == 0));
    AtomicInteger sum = new AtomicInteger();
    Fiber.forEach(items, 3, sum::addAndGet);
    assertEquals(49 * 50 / 2, sum.get());
  }

  @Test
  void maxFibersBelowOneIsAnIllegalArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Fiber.map(List.of(1), 0, x -> x));
    assertEquals("maxFibers must be at least 1, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fiber.forEach(List.of(1), -1, x -> {}));
    assertThrows(IllegalArgumentException.class, () -> Fiber.filter(List.of(1), 0, x -> true));
  }

  @Test
  void aFailingMapItemCancelsTheRestAndIsRethrown() {
    IllegalArgumentException bad = new IllegalArgumentException("item 0");
    AtomicInteger started = new AtomicInteger();
    assertSame(
        bad,
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Fiber.map(
                    IntStream.range(0, 1000).boxed().toList(),
                    2,
                    x -> {
                      started.incrementAndGet();
                      if (x == 0) {
                        throw bad;
                      }
                      Fiber.awaitCancel(); // every other item waits to be cancelled
                      return x;
                    })));
    assertTrue(started.get() <= 2, "no item started after the failure: " + started.get());
  }

  @Test
  void checkAndIsCancelledSeeTheContext() {
    assertFalse(Fiber.isCancelled());
    Fiber.check();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("why"));
                  assertTrue(Fiber.isCancelled());
                  Fiber.check();
                }));
  }

  @Test
  void yieldIsACancellationPoint() {
    Fiber.yield();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(null);
                  Fiber.yield();
                }));
  }

  @Test
  void fiberKeysAreInheritedByForkedFibersAndNotLeakedBack() {
    Fiber.Key<String> requestId = new Fiber.Key<>("requestId");
    assertTrue(Fiber.get(requestId).isEmpty());
    Fiber.withBinding(
        requestId,
        "r-1",
        () ->
            Switch.run(
                sw -> {
                  sw.fork(() -> assertEquals("r-1", Fiber.get(requestId).orElseThrow()));
                  sw.fork(
                      () ->
                          Fiber.withBinding(
                              requestId,
                              "r-2",
                              () ->
                                  Fiber.both(
                                      () -> assertEquals("r-2", Fiber.get(requestId).orElseThrow()),
                                      () -> assertEquals("r-2", Fiber.get(requestId).orElseThrow()))));
                  assertEquals("r-1", Fiber.get(requestId).orElseThrow());
                }));
    assertTrue(Fiber.get(requestId).isEmpty());
    assertEquals(7, Fiber.withBinding(requestId, "x", () -> 7));
  }

  @Test
  void combinatorsFromAFiberCanForkIntoTheEnclosingSwitch() {
    AtomicInteger ran = new AtomicInteger();
    Switch.run(
        sw -> Fiber.both(() -> sw.fork(ran::incrementAndGet), () -> sw.fork(ran::incrementAndGet)));
    assertEquals(2, ran.get());
  }

  @Test
  void cancellingTheCallerCancelsEveryBranch() {
    AtomicInteger cancelledBranches = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(3);
    Task branch =
        () -> {
          started.countDown();
          try {
            Fiber.awaitCancel();
          } catch (Cancelled c) {
            cancelledBranches.incrementAndGet();
            throw c;
          }
        };
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                sw -> {
                  sw.fork(() -> Fiber.all(branch, branch, branch));
                  started.await();
                  sw.fail(new Cancelled("stop"));
                }));
    assertEquals(3, cancelledBranches.get());
  }

  @Test
  void aForkedFiberKnowsItsSwitchWhateverTheJvmWideUncaughtHandler() {
    // A forked fiber finds itself through its own thread's handler (ADR 15); the JVM-wide
    // default handler, which logging frameworks install, is another slot.
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Fiber.Key<String> key = new Fiber.Key<>("request");
    AtomicInteger grandchildren = new AtomicInteger();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {});
    try {
      Fiber.withBinding(
          key,
          "outer",
          () ->
              Switch.run(
                  sw -> {
                    for (int i = 0; i < 20; i++) {
                      sw.fork(
                          () -> {
                            assertEquals("outer", Fiber.get(key).orElseThrow());
                            // Only a fiber of the switch's tree may fork into it.
                            sw.fork(grandchildren::incrementAndGet);
                          });
                    }
                  }));
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertEquals(20, grandchildren.get());
  }
}
