package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/switch.md, case by case (all 25 cases). Eio's {@code Failure "x"} is an {@link
 * IllegalStateException} with message x; several failures are one exception with the others
 * suppressed where Eio raises {@code Multiple exceptions}. Eio checks its mock scheduler's
 * trace; fibers run in parallel here, so a trace is compared only where its order is promised.
 */
@Timeout(30)
class EioSwitchConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  private static IllegalStateException failure(String msg) {
    return new IllegalStateException(msg);
  }

  private static void failWith(String msg) {
    throw failure(msg);
  }

  /** Waits for cancellation, then fails with {@code msg} (switch.md's clean-up failures). */
  private static void failOnCancel(String msg) {
    try {
      Fiber.awaitCancel();
    } catch (Cancelled c) {
      failWith(msg);
    }
  }

  private static List<String> suppressedMessages(Throwable t) {
    return Arrays.stream(t.getSuppressed()).map(Throwable::getMessage).sorted().toList();
  }

  /** switch.md's fork_sub: a child switch in a fiber, its failure handled by onError. */
  private static void forkSub(Switch sw, Consumer<RuntimeException> onError, Switch.Action fn) {
    sw.fork(
        () -> {
          try {
            Switch.run(fn);
          } catch (Cancelled c) {
            // The parent cancelled it: not reported.
          } catch (RuntimeException e) {
            onError.accept(e);
          }
        });
  }

  /** switch.md, "A very basic example". */
  @Test
  void aBodyRuns() {
    Switch.run(sw -> trace.add("Running"));
    assertEquals(List.of("Running"), trace);
  }

  /** switch.md, "Turning off a switch still allows you to perform clean-up operations". */
  @Test
  void aFailedSwitchStillLetsTheBodyCleanUp() {
    IllegalStateException cancel = failure("Cancel");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      trace.add("Running");
                      sw.fail(cancel);
                      trace.add("Clean up");
                    }));
    assertSame(cancel, thrown);
    assertEquals(List.of("Running", "Clean up"), trace);
  }

  /** switch.md, "Fiber.both, both fibers pass". */
  @Test
  void bothRunsBothToTheEnd() {
    Switch.run(
        sw ->
            Fiber.both(
                () -> {
                  for (int i = 1; i <= 2; i++) {
                    trace.add("i = " + i);
                    Fiber.yield();
                  }
                },
                () -> {
                  for (int j = 1; j <= 2; j++) {
                    trace.add("j = " + j);
                    Fiber.yield();
                  }
                }));
    assertEquals(List.of("i = 1", "i = 2", "j = 1", "j = 2"), trace.stream().sorted().toList());
  }

  /** switch.md, "Fiber.both, only 1st succeeds" and "only 2nd succeeds". */
  @Test
  void bothRethrowsTheFailureOfEither() {
    Task loop =
        () -> {
          for (int i = 1; i <= 5; i++) {
            Fiber.yield();
          }
        };
    assertEquals(
        "Failed",
        assertThrows(
                IllegalStateException.class, () -> Fiber.both(loop, () -> failWith("Failed")))
            .getMessage());
    assertEquals(
        "Failed",
        assertThrows(
                IllegalStateException.class,
                () ->
                    Fiber.both(
                        () -> {
                          Fiber.yield();
                          failWith("Failed");
                        },
                        loop))
            .getMessage());
  }

  /**
   * switch.md, "Fiber.both, first fails immediately and the other doesn't start" and "second
   * fails but the other doesn't stop". Eio's fork runs the child at once; here the other task's
   * fiber may already have started, so only the outcome is checked.
   */
  @Test
  void bothWithAnImmediateFailureRethrowsIt() {
    assertThrows(
        IllegalStateException.class,
        () ->
            Switch.run(
                sw -> {
                  Fiber.both(() -> failWith("Failed"), () -> trace.add("Second OK"));
                  trace.add("Not reached");
                }));
    assertFalse(trace.contains("Not reached"));
    assertThrows(
        IllegalStateException.class, () -> Fiber.both(() -> {}, () -> failWith("Failed")));
  }

  /**
   * switch.md, "Fiber.both, both fibers fail": one is thrown, the other suppressed. Differs: a
   * task whose group failed before its fiber started is skipped (Fiber's start policy), so the
   * second failure is reported only when both tasks ran.
   */
  @Test
  void bothFailingReportsBoth() {
    AtomicInteger ran = new AtomicInteger();
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> {
                      ran.incrementAndGet();
                      Cancel.protect(Fiber::yield);
                      failWith("Failed 1");
                    },
                    () -> {
                      ran.incrementAndGet();
                      Cancel.protect(Fiber::yield);
                      failWith("Failed 2");
                    }));
    List<String> all = new java.util.ArrayList<>(suppressedMessages(thrown));
    all.add(thrown.getMessage());
    assertEquals(ran.get(), all.size(), all.toString());
    assertTrue(List.of("Failed 1", "Failed 2").containsAll(all), all.toString());
  }

  /** switch.md, "The switch is already turned off when we try to fork. The new fiber doesn't start". */
  @Test
  void aForkIntoAFailedSwitchNeverStarts() {
    IllegalStateException cancel = failure("Cancel");
    assertSame(
        cancel,
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fail(cancel);
                      sw.fork(() -> trace.add("Not reached"));
                      trace.add("Main continues");
                    })));
    assertEquals(List.of("Main continues"), trace);
  }

  /** switch.md, "You can't use a switch after leaving its scope". */
  @Test
  void aFinishedSwitchCannotBeUsed() {
    Switch sw = Switch.call(s -> s);
    assertThrows(IllegalStateException.class, sw::check);
  }

  /**
   * switch.md, "Wait for either a promise or a cancellation; cancellation first". Differs: Eio's
   * main fiber yields before resolving, and Eio's yield is not a cancellation point; ours is, so
   * the main fiber here resolves without yielding.
   */
  @Test
  void aFailingSiblingCancelsAPromiseWait() {
    Promise<Void> p = Promise.create();
    assertEquals(
        "Cancelled",
        assertThrows(
                IllegalStateException.class,
                () ->
                    Switch.run(
                        sw -> {
                          sw.fork(
                              () ->
                                  Fiber.both(
                                      () -> {
                                        p.await();
                                        trace.add("Resolved");
                                      },
                                      () -> failWith("Cancelled")));
                          p.resolve(null);
                          trace.add("Main thread done");
                        }))
            .getMessage());
    assertTrue(trace.contains("Main thread done"), trace.toString());
  }

  /**
   * switch.md, "Wait for either a promise or a switch": promise first, switch cancelled first,
   * and promise first without yielding. A wait completes or is cancelled, never both.
   */
  @Test
  void aPromiseWaitEitherCompletesOrIsCancelled() {
    for (boolean resolveFirst : new boolean[] {true, false}) {
      Promise<Void> p = Promise.create();
      Promise<Void> waiting = Promise.create();
      List<String> t = new CopyOnWriteArrayList<>();
      assertThrows(
          IllegalStateException.class,
          () ->
              Switch.run(
                  sw -> {
                    sw.fork(
                        () -> {
                          waiting.resolve(null);
                          p.await();
                          t.add("Resolved");
                        });
                    waiting.await();
                    if (resolveFirst) {
                      p.resolve(null);
                      sw.fail(failure("Cancelled"));
                    } else {
                      sw.fail(failure("Cancelled"));
                      p.resolve(null);
                    }
                  }));
      assertTrue(t.size() <= 1, t.toString());
    }
  }

  /** switch.md, "Child switches are cancelled when the parent is cancelled, but on_error isn't notified". */
  @Test
  void childSwitchesAreCancelledWithTheirParentWithoutReportingIt() {
    Promise<Void> p = Promise.create();
    Consumer<RuntimeException> onError = ex -> trace.add("child: " + ex.getMessage());
    IllegalStateException parent = failure("Cancel parent");
    assertSame(
        parent,
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      forkSub(sw, onError, s -> p.await());
                      forkSub(sw, onError, s -> p.await());
                      sw.fail(parent);
                    })));
    assertEquals(List.of(), trace);
  }

  /** switch.md, "A child can fail independently of the parent". */
  @Test
  void aChildSwitchFailsWithoutFailingItsParent() {
    Promise<Void> p1 = Promise.create();
    Promise<Void> p2 = Promise.create();
    Switch.run(
        sw -> {
          forkSub(sw, ex -> trace.add("child: " + ex.getMessage()), s -> p1.await());
          forkSub(sw, ex -> trace.add("child: " + ex.getMessage()), s -> p2.await());
          p1.fail(failure("Child error"));
          p2.resolve(null);
        });
    assertEquals(List.of("child: Child error"), trace);
  }

  /** switch.md, "A child can be cancelled independently of the parent". */
  @Test
  void aChildSwitchIsFailedWithoutFailingItsParent() {
    AtomicReference<Switch> child = new AtomicReference<>();
    Promise<Void> started = Promise.create();
    Switch.run(
        sw -> {
          forkSub(
              sw,
              ex -> trace.add("child: " + ex.getMessage()),
              s -> {
                child.set(s);
                started.resolve(null);
                Promise.create().await();
              });
          started.await();
          child.get().fail(failure("Cancel child"));
        });
    assertEquals(List.of("child: Cancel child"), trace);
  }

  /** switch.md, "A child error handler raises" and "deals with the exception". */
  @Test
  void aChildErrorHandlerDecidesWhetherTheParentFails() {
    IllegalStateException escapes = failure("Child error escapes");
    assertSame(
        escapes,
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw ->
                        forkSub(
                            sw,
                            ex -> {
                              throw ex;
                            },
                            s -> {
                              throw escapes;
                            }))));
    Switch.run(
        sw ->
            forkSub(
                sw,
                ex -> trace.add("caught: " + ex.getMessage()),
                s -> failWith("Child error is caught")));
    assertEquals(List.of("caught: Child error is caught"), trace);
  }

  private Task release(String label) {
    return () -> {
      Fiber.yield();
      trace.add("release " + label);
    };
  }

  /** switch.md, "Release on success" and "Release on error": last registered first. */
  @Test
  void releaseHooksRunLastRegisteredFirst() {
    Switch.run(
        sw -> {
          sw.onRelease(release("1"));
          sw.onRelease(release("2"));
        });
    assertThrows(
        IllegalStateException.class,
        () ->
            Switch.run(
                sw -> {
                  sw.onRelease(release("3"));
                  sw.onRelease(release("4"));
                  failWith("Test error");
                }));
    assertEquals(List.of("release 2", "release 1", "release 4", "release 3"), trace);
  }

  /** switch.md, "A release operation itself fails": every hook runs, every failure reported. */
  @Test
  void everyReleaseHookRunsAndEveryFailureIsReported() {
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.onRelease(
                          () -> {
                            release("1").run();
                            failWith("failure 1");
                          });
                      sw.onRelease(release("2"));
                      sw.onRelease(
                          () -> {
                            release("3").run();
                            failWith("failure 3");
                          });
                    }));
    assertEquals("failure 3", thrown.getMessage());
    assertEquals(List.of("failure 1"), suppressedMessages(thrown));
    assertEquals(List.of("release 3", "release 2", "release 1"), trace);
  }

  /** switch.md, "Attaching a release handler to a finished switch from a cancelled context". */
  @Test
  void aHookGivenToAFinishedSwitchRunsAtOnceAndIsRefused() {
    IllegalStateException parent = failure("Parent cancelled too!");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      Switch sub = Switch.call(s -> s);
                      sw.fail(parent);
                      sub.onRelease(release("1"));
                    }));
    assertSame(parent, thrown);
    assertEquals(1, thrown.getSuppressed().length);
    assertTrue(thrown.getSuppressed()[0].getMessage().contains("has finished"));
    assertEquals(List.of("release 1"), trace);
  }

  /**
   * switch.md, "Attaching resources to a switch from inside release handler fails". Differs on
   * purpose: a hook registered while the switch is releasing is accepted and run in a further
   * round (the switch finishes only when no hook or fiber is left), not refused.
   */
  @Test
  void hooksMayForkAndRegisterMoreWhileReleasing() {
    Switch.run(
        sw -> {
          sw.onRelease(
              () ->
                  sw.fork(
                      () -> {
                        Fiber.yield();
                        trace.add("Finished release 1");
                      }));
          sw.onRelease(
              () ->
                  sw.fork(
                      () -> {
                        sw.onRelease(() -> trace.add("Late release"));
                        trace.add("Finished release 2");
                      }));
          trace.add("Main fiber done");
        });
    assertEquals("Main fiber done", trace.get(0));
    assertEquals(
        List.of("Finished release 1", "Finished release 2", "Late release", "Main fiber done"),
        trace.stream().sorted().toList());
  }

  /** switch.md, "All release hooks run, even if some fail, and all errors are reported". */
  @Test
  void failuresOfCancelledFibersAreReportedWithTheFirst() {
    IllegalStateException exit = failure("Exit");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(() -> failOnCancel("cancel1 failed"));
                      sw.fork(() -> failOnCancel("cancel2 failed"));
                      throw exit;
                    }));
    assertSame(exit, thrown);
    assertEquals(List.of("cancel1 failed", "cancel2 failed"), suppressedMessages(thrown));
  }

  /** switch.md, "Errors during cleanup are reported during cancellation". */
  @Test
  void aCleanUpFailureInANestedSwitchIsReported() {
    IllegalStateException simulated = failure("simulated error");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(
                          () -> Switch.run(inner -> failOnCancel("cleanup failed")));
                      sw.fork(
                          () -> {
                            Fiber.yield();
                            throw simulated;
                          });
                    }));
    assertSame(simulated, thrown);
    assertEquals(List.of("cleanup failed"), suppressedMessages(thrown));
  }
}
