package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/fiber.md, case by case: the sections Fiber.first, pair, all, any, n_any,
 * await_cancel, fork_promise and "Forking while cancelled" (the daemon case is in {@link
 * ConformanceBugsStressTest}). Eio's mock scheduler runs each fiber until it yields; fibers run in
 * parallel here, so where a case relies on that order the test waits for the state the order
 * produces (a fiber cancelled, parked, or started). "Scheduling order" is not ported: it checks
 * only the mock scheduler's run-queue order, which parallel fibers do not have.
 */
@Timeout(30)
class EioFiberConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  /** Waits, not cancellable, until the calling fiber is cancelled; then Eio's yield throws. */
  private static void yieldOnceCancelled() {
    Cancel.sub(
        ctx -> {
          Cancel.protect(() -> Waits.until(ctx::isCancelled));
          Fiber.yield();
        });
  }

  // ------------------------------------------------------------------------------ Fiber.first

  /** fiber.md, "First finishes, second is cancelled" and "Second finishes, first is cancelled". */
  @Test
  void firstReturnsTheFinisherAndCancelsTheOther() {
    Promise<String> p = Promise.create();
    assertEquals("a", Fiber.first(() -> "a", p::await));
    assertEquals("b", Fiber.first(p::await, () -> "b"));
  }

  /** fiber.md, "If both succeed and no ~combine, we pick the first one by default". */
  @Test
  void whenBothSucceedFirstPicksTheFirstFunctionsValue() {
    AtomicBoolean bDone = new AtomicBoolean();
    CountDownLatch aStarted = new CountDownLatch(1);
    String v =
        Fiber.first(
            () -> Cancel.protect(() -> {
              aStarted.countDown();
              Waits.until(bDone::get);
              return "a";
            }),
            () -> {
              aStarted.await();
              bDone.set(true);
              return "b";
            });
    assertEquals("a", v);
  }

  /** fiber.md, "If both succeed we let ~combine decide". */
  @Test
  void whenBothSucceedCombineDecides() {
    AtomicBoolean aDone = new AtomicBoolean();
    CountDownLatch bStarted = new CountDownLatch(1);
    String v =
        Fiber.first(
            () -> {
              bStarted.await();
              aDone.set(true);
              return "a";
            },
            () -> Cancel.protect(() -> {
              bStarted.countDown();
              Waits.until(aDone::get);
              return "b";
            }),
            (x, y) -> y);
    assertEquals("b", v);
  }

  /** fiber.md, "It allows for safe Stream.take races (both)". */
  @Test
  void aTakeThatGotTheItemIsCombined() {
    Channel<String> stream = Channel.create(1);
    AtomicReference<Thread> taker = new AtomicReference<>();
    String v =
        Fiber.first(
            () -> {
              Waits.parked(taker);
              stream.send("b");
              return "a";
            },
            () -> {
              taker.set(Thread.currentThread());
              return stream.receive();
            },
            (x, y) -> x + y);
    assertEquals("ab", v);
    assertEquals(0, stream.size());
  }

  /** fiber.md, "It allows for safe Stream.take races (f is first)": the loser takes nothing. */
  @Test
  void aCancelledTakerDoesNotTakeTheItem() {
    Channel<String> stream = Channel.create(1);
    String v =
        Fiber.first(
            () -> {
              stream.send("b");
              return "a";
            },
            () -> {
              yieldOnceCancelled();
              return stream.receive();
            },
            (x, y) -> x + y);
    assertEquals("a1", v + stream.size());
  }

  /** fiber.md, "It allows for safe Stream.take races (g is first)". */
  @Test
  void theTakerWinsWithTheItem() {
    Channel<String> stream = Channel.create(1);
    String v =
        Fiber.first(
            () -> {
              stream.send("b");
              yieldOnceCancelled();
              return "a";
            },
            stream::receive,
            (x, y) -> x + y);
    assertEquals("b0", v + stream.size());
  }

  /** fiber.md, "One crashes - report it" (both cases): a crash beats the other's value. */
  @Test
  void aCrashIsReportedEvenWhenTheOtherReturned() {
    for (int crasher = 0; crasher < 2; crasher++) {
      IllegalStateException boom = new IllegalStateException("crashed");
      AtomicBoolean returned = new AtomicBoolean();
      CountDownLatch crasherStarted = new CountDownLatch(1);
      // Eio starts both functions; ours skips one whose race is already won, so the winner
      // returns only once the crasher runs.
      Callable<String> ok =
          () -> {
            crasherStarted.await();
            returned.set(true);
            return "ok";
          };
      Callable<String> crash =
          () ->
              Cancel.protect(
                  () -> {
                    crasherStarted.countDown();
                    Waits.until(returned::get);
                    throw boom;
                  });
      int c = crasher;
      assertSame(
          boom,
          assertThrows(
              IllegalStateException.class,
              () -> Fiber.first(c == 0 ? crash : ok, c == 0 ? ok : crash)));
    }
  }

  /** fiber.md, "Both crash - report both". */
  @Test
  void bothCrashesAreReported() {
    CountDownLatch started = new CountDownLatch(2);
    IllegalStateException a = new IllegalStateException("a crashed");
    IllegalStateException b = new IllegalStateException("b crashed");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.first(
                    () -> Cancel.protect(() -> {
                      started.countDown();
                      started.await();
                      throw a;
                    }),
                    () -> Cancel.protect(() -> {
                      started.countDown();
                      started.await();
                      throw b;
                    })));
    List<Throwable> all = new ArrayList<>(List.of(e.getSuppressed()));
    all.add(e);
    assertEquals(2, all.size());
    assertTrue(all.contains(a) && all.contains(b), all.toString());
  }

  /** fiber.md, "Cancelled before it can crash". */
  @Test
  void aLoserCancelledBeforeItsCrashIsNotReported() {
    assertEquals(
        "a",
        Fiber.first(
            () -> "a",
            () -> {
              yieldOnceCancelled();
              throw new IllegalStateException("b crashed");
            }));
  }

  /** fiber.md, "One claims to be cancelled" (first case): its Cancelled is a real failure. */
  @Test
  void aCancelledRaisedByTheFirstIsReported() {
    Cancelled claim = new Cancelled(new IllegalStateException("cancel-a"));
    AtomicBoolean thrown = new AtomicBoolean();
    Cancelled e =
        assertThrows(
            Cancelled.class,
            () ->
                Fiber.first(
                    () -> {
                      thrown.set(true);
                      throw claim;
                    },
                    () -> Cancel.protect(() -> {
                      Waits.until(thrown::get);
                      return "b";
                    })));
    assertSame(claim, e);
  }

  /** fiber.md, "One claims to be cancelled" (second case). */
  @Test
  void aCancelledRaisedByTheSecondIsReported() {
    Cancelled claim = new Cancelled(new IllegalStateException("cancel-b"));
    Cancelled e =
        assertThrows(
            Cancelled.class,
            () ->
                Fiber.first(
                    () -> {
                      yieldOnceCancelled();
                      return "a";
                    },
                    () -> {
                      throw claim;
                    }));
    assertSame(claim, e);
  }

  /** fiber.md, "Cancelled from parent". */
  @Test
  void firstIsCancelledFromItsParent() {
    Promise<String> p = Promise.create();
    IllegalStateException parent = new IllegalStateException("Parent cancel");
    assertSame(
        parent,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> {
                      throw new IllegalStateException(Fiber.first(p::await, p::await));
                    },
                    () -> {
                      throw parent;
                    })));
  }

  /** fiber.md, "Cancelled from parent while already cancelling (we return the value ...)". */
  @Test
  void firstReturnsItsValueDespiteAParentCancelWhileItsLoserFinishes() {
    IllegalStateException parent = new IllegalStateException("Parent cancel");
    AtomicBoolean aReturned = new AtomicBoolean();
    CountDownLatch bStarted = new CountDownLatch(1);
    assertSame(
        parent,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> {
                      trace.add(
                          Fiber.first(
                              () -> {
                                bStarted.await();
                                aReturned.set(true);
                                return "a";
                              },
                              () -> {
                                bStarted.countDown();
                                Cancel.protect(
                                    () -> Waits.until(() -> trace.contains("Cancelling parent")));
                                Fiber.yield();
                                throw new IllegalStateException("cancel-b");
                              }));
                      Fiber.check();
                      trace.add("Parent cancel failed");
                    },
                    () -> {
                      Waits.until(aReturned::get);
                      trace.add("Cancelling parent");
                      throw parent;
                    })));
    assertEquals(List.of("Cancelling parent", "a"), trace);
  }

  /** fiber.md, "Cancelling in a sub-switch": Cancelled(Exit) inside, plain Exit outside. */
  @Test
  void aSubSwitchSeesTheCancellationAndTheCallerTheFailure() {
    Promise<String> p = Promise.create();
    RuntimeException exit = new RuntimeException("Exit");
    AtomicReference<Thread> waiter = new AtomicReference<>();
    AtomicReference<Throwable> nested = new AtomicReference<>();
    AtomicReference<Throwable> parent = new AtomicReference<>();
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                Fiber.both(
                    () -> {
                      try {
                        Switch.run(
                            sw -> {
                              try {
                                waiter.set(Thread.currentThread());
                                p.await();
                              } catch (RuntimeException ex) {
                                nested.set(ex);
                                throw ex;
                              }
                            });
                      } catch (RuntimeException ex) {
                        parent.set(ex);
                        throw ex;
                      }
                    },
                    () -> {
                      Waits.parked(waiter);
                      throw exit;
                    }));
    assertSame(exit, e);
    assertSame(exit, assertInstanceOf(Cancelled.class, nested.get()).getCause());
    assertSame(exit, assertInstanceOf(Cancelled.class, parent.get()).getCause());
  }

  // --------------------------------------------------------------- pair, all, any, n_any

  /** fiber.md, "Fiber.pair". */
  @Test
  void pairReturnsBothValues() {
    Fiber.Pair<String, String> xy = Fiber.pair(() -> "a", () -> "b");
    assertEquals("ab", xy.first() + xy.second());
  }

  /** fiber.md, "Fiber.all". */
  @Test
  void allRunsEveryFiber() {
    Fiber.all(List.of());
    List<Task> fns = new ArrayList<>();
    for (int x = 0; x < 3; x++) {
      int v = x;
      fns.add(() -> trace.add("fiber " + v));
    }
    Fiber.all(fns);
    trace.add("done");
    assertEquals(List.of("fiber 0", "fiber 1", "fiber 2"), trace.subList(0, 3).stream().sorted().toList());
    assertEquals("done", trace.get(3));
  }

  /** The tasks of Eio's any/n_any cases: {@code x} in {@code slow} yields once it is cancelled. */
  private List<Callable<Integer>> numbered(int n, CountDownLatch started, List<Integer> slow) {
    List<Callable<Integer>> fns = new ArrayList<>();
    for (int x = 0; x < n; x++) {
      int v = x;
      fns.add(
          () -> {
            trace.add("" + v);
            if (slow.contains(v)) {
              yieldOnceCancelled();
            } else {
              Cancel.protect(
                  () -> {
                    started.countDown();
                    started.await();
                  });
            }
            return v;
          });
    }
    return fns;
  }

  /** fiber.md, "Fiber.any": the one that finishes wins, the others are cancelled. */
  @Test
  void anyReturnsTheFinisher() {
    assertEquals(0, Fiber.any(numbered(3, new CountDownLatch(1), List.of(1, 2))));
  }

  /** fiber.md, "Fiber.any with combine collects all results". */
  @Test
  void anyCombinesEveryResult() {
    List<Integer> all =
        Fiber.any(
            numbered(3, new CountDownLatch(3), List.of()).stream()
                .<Callable<List<Integer>>>map(f -> () -> List.of(f.call()))
                .toList(),
            (x, y) -> {
              List<Integer> xy = new ArrayList<>(x);
              xy.addAll(y);
              return xy;
            });
    assertEquals(List.of(0, 1, 2), all.stream().sorted().toList());
  }

  /** fiber.md, "Fiber.n_any behaves just like Fiber.any when there's only one result". */
  @Test
  void nAnyWithOneFinisher() {
    assertEquals(List.of(0), Fiber.nAny(numbered(3, new CountDownLatch(1), List.of(1, 2))));
  }

  /** fiber.md, "Fiber.n_any collects all results". */
  @Test
  void nAnyCollectsEveryFinisher() {
    List<Integer> got = Fiber.nAny(numbered(4, new CountDownLatch(3), List.of(1)));
    assertEquals(List.of(0, 2, 3), got.stream().sorted().toList());
  }

  // ------------------------------------------------------------- await_cancel, fork_promise

  /** fiber.md, "Fiber.await_cancel". */
  @Test
  void awaitCancelThrowsCancelledWithTheReason() {
    IllegalStateException boom = new IllegalStateException("simulated error");
    AtomicReference<Thread> waiter = new AtomicReference<>();
    AtomicReference<Cancelled> caught = new AtomicReference<>();
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> {
                      try {
                        waiter.set(Thread.currentThread());
                        Fiber.awaitCancel();
                      } catch (Cancelled ex) {
                        caught.set(ex);
                        throw ex;
                      }
                    },
                    () -> {
                      Waits.parked(waiter);
                      throw boom;
                    })));
    assertSame(boom, caught.get().getCause());
  }

  /**
   * fiber.md, "Fiber.fork_promise ~sw inherits the cancellation context from sw, not from the
   * current fiber". Eio forks from a sibling fiber; only fibers of a switch's tree may fork into
   * it here, so the protected forking fiber is inside the switch.
   */
  @Test
  void forkPromiseFollowsTheSwitchNotTheForkingFiber() {
    RuntimeException exit = new RuntimeException("Exit");
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw ->
                        Cancel.protect(
                            () -> {
                              Promise<Object> child =
                                  sw.forkPromise(
                                      () -> {
                                        trace.add("Forked child");
                                        Fiber.awaitCancel();
                                        return null;
                                      });
                              Waits.until(() -> trace.contains("Forked child"));
                              sw.fail(exit);
                              assertSame(
                                  exit, assertThrows(Cancelled.class, child::await).getCause());
                            })));
    assertSame(exit, e);
  }

  /** Forking into a switch from a fiber outside its tree is refused here (Eio allows it). */
  @Test
  void forkingIntoASwitchFromOutsideItsTreeIsRefused() {
    AtomicReference<Switch> sw = new AtomicReference<>();
    Promise<Void> done = Promise.create();
    Fiber.both(
        () ->
            Switch.run(
                s -> {
                  sw.set(s);
                  done.await();
                }),
        () -> {
          Waits.until(() -> sw.get() != null);
          assertThrows(WrongThreadException.class, () -> sw.get().forkPromise(() -> "x"));
          done.resolve(null);
        });
  }

  /** fiber.md, "Forking while cancelled": a combinator in a cancelled fiber starts nothing. */
  @Test
  void combinatorsInACancelledFiberStartNothing() {
    IllegalStateException boom = new IllegalStateException("Simulated error");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.first(
                    () -> {
                      throw boom;
                    },
                    () ->
                        Cancel.subCall(
                            ctx -> {
                              Cancel.protect(() -> Waits.until(ctx::isCancelled));
                              Fiber.both(
                                  () -> trace.add("Not reached"), () -> trace.add("Not reached"));
                              return fail("both returned in a cancelled fiber");
                            }))));
    assertEquals(List.of(), trace);
  }
}
