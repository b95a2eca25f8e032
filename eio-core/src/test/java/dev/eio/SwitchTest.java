package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SwitchTest {

  @Test
  void runReturnsOnlyAfterEveryNonDaemonFiberFinished() {
    AtomicInteger done = new AtomicInteger();
    Switch.run(
        sw -> {
          for (int i = 0; i < 50; i++) {
            int k = i;
            sw.fork(
                () -> {
                  Thread.sleep(k % 5);
                  done.incrementAndGet();
                });
          }
        });
    assertEquals(50, done.get());
  }

  @Test
  void callReturnsTheBodysValue() {
    int v = Switch.call(sw -> 42);
    assertEquals(42, v);
    assertEquals("v", Switch.call("named", sw -> "v"));
  }

  @Test
  void daemonsAreCancelledOnceOnlyDaemonsRemain() {
    AtomicReference<Throwable> daemonSaw = new AtomicReference<>();
    AtomicBoolean workerDone = new AtomicBoolean();
    Switch.run(
        sw -> {
          sw.forkDaemon(
              () -> {
                try {
                  Fiber.awaitCancel();
                } catch (Cancelled c) {
                  daemonSaw.set(c);
                  throw c;
                }
              });
          sw.fork(
              () -> {
                Thread.sleep(20);
                workerDone.set(true);
              });
        });
    assertTrue(workerDone.get(), "the non-daemon fiber ran to completion first");
    assertInstanceOf(Cancelled.class, daemonSaw.get());
  }

  @Test
  void daemonFailureStillFailsTheSwitch() {
    IllegalStateException boom = new IllegalStateException("daemon broke");
    Throwable thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.forkDaemon(
                          () -> {
                            throw boom;
                          });
                      sw.fork(Fiber::awaitCancel);
                    }));
    assertSame(boom, thrown);
  }

  @Test
  void releaseHooksRunLastInFirstOutExactlyOnceEvenWhenOneThrows() {
    List<String> ran = new CopyOnWriteArrayList<>();
    RuntimeException hookFailure = new RuntimeException("hook 2 failed");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.onRelease(() -> ran.add("1"));
                      sw.onRelease(
                          () -> {
                            ran.add("2");
                            throw hookFailure;
                          });
                      sw.onRelease(() -> ran.add("3"));
                    }));
    assertSame(hookFailure, thrown);
    assertEquals(List.of("3", "2", "1"), ran);
  }

  @Test
  void releaseHooksAreProtectedFromCancellation() {
    AtomicBoolean hookCompletedBlockingCall = new AtomicBoolean();
    RuntimeException boom = new RuntimeException("boom");
    assertThrows(
        RuntimeException.class,
        () ->
            Switch.run(
                sw -> {
                  sw.onRelease(
                      () -> {
                        Thread.sleep(10); // would throw InterruptedException if not protected
                        Promise<String> p = Promise.create();
                        p.resolve("ok");
                        p.await();
                        hookCompletedBlockingCall.set(true);
                      });
                  throw boom;
                }));
    assertTrue(hookCompletedBlockingCall.get());
  }

  @Test
  void aHookThatForksIsWaitedFor() {
    AtomicBoolean forkedDone = new AtomicBoolean();
    Switch.run(
        sw ->
            sw.onRelease(
                () ->
                    sw.fork(
                        () -> {
                          Thread.sleep(20);
                          forkedDone.set(true);
                        })));
    assertTrue(forkedDone.get());
  }

  @Test
  void aHookRegisteredOnAFinishedSwitchRunsAtOnceAndTheCallFails() {
    Switch[] escaped = new Switch[1];
    Switch.run(sw -> escaped[0] = sw);
    AtomicBoolean ran = new AtomicBoolean();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> escaped[0].onRelease(() -> ran.set(true)));
    assertTrue(ran.get());
    assertTrue(e.getMessage().contains("finished"), e.getMessage());
  }

  @Test
  void aRemovedHookNeverRuns() {
    AtomicBoolean ran = new AtomicBoolean();
    Switch.run(
        sw -> {
          Switch.ReleaseHandle h = sw.onRelease(() -> ran.set(true));
          assertTrue(h.remove());
          assertFalse(h.remove());
        });
    assertFalse(ran.get());
  }

  @Test
  void removingAHookAfterItRanReportsFalse() {
    Switch.ReleaseHandle[] h = new Switch.ReleaseHandle[1];
    Switch.run(sw -> h[0] = sw.onRelease(() -> {}));
    assertFalse(h[0].remove());
  }

  @Test
  void anyFiberInTheSwitchTreeMayForkIntoIt() {
    AtomicInteger ran = new AtomicInteger();
    Switch.run(
        outer ->
            outer.fork(
                () ->
                    Switch.run(
                        inner ->
                            inner.fork(
                                () -> {
                                  // a fiber of a nested switch forks into the outer one
                                  outer.fork(ran::incrementAndGet);
                                  Cancel.protect(() -> outer.fork(ran::incrementAndGet));
                                }))));
    assertEquals(2, ran.get());
  }

  @Test
  void aThreadOutsideTheTreeGetsAClearError() throws Exception {
    AtomicReference<Throwable> error = new AtomicReference<>();
    Switch.run(
        sw -> {
          Thread t = Thread.ofPlatform().start(() -> {
            try {
              sw.fork(() -> {});
            } catch (Throwable e) {
              error.set(e);
            }
          });
          t.join();
          // a fiber of an unrelated switch is outside too
          Switch.run(other -> {}); // keep the tree busy
        });
    assertInstanceOf(WrongThreadException.class, error.get());
    assertTrue(error.get().getMessage().contains("only fibers of the switch's tree"));

    Switch[] first = new Switch[1];
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        Thread.ofPlatform()
            .start(
                () ->
                    Switch.run(
                        sw -> {
                          first[0] = sw;
                          release.await();
                        }));
    await().until(() -> first[0] != null);
    try {
      assertThrows(
          WrongThreadException.class, () -> Switch.run(sw -> first[0].fork(() -> {})));
    } finally {
      release.countDown();
      holder.join();
    }
  }

  @Test
  void forkingIntoAFinishedSwitchFailsClearly() {
    Switch[] escaped = new Switch[1];
    Switch.run("done", sw -> escaped[0] = sw);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> escaped[0].fork(() -> {}));
    assertEquals("switch 'done' has finished: cannot fork into it", e.getMessage());
    assertThrows(IllegalStateException.class, () -> Switch.run(sw -> escaped[0].forkDaemon(() -> {})));
  }

  @Test
  void forkingIntoAFailedSwitchNeverRunsTheChild() {
    AtomicBoolean childRan = new AtomicBoolean();
    RuntimeException boom = new RuntimeException("boom");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fail(boom);
                      sw.fork(() -> childRan.set(true));
                      Promise<String> p = sw.forkPromise(() -> "never");
                      assertThrows(Cancelled.class, p::await);
                    }));
    assertSame(boom, thrown);
    assertFalse(childRan.get());
  }

  @Test
  void theFirstFailureIsRethrownAsTheSameObjectAndLaterOnesAreSuppressed() {
    RuntimeException first = new RuntimeException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(
                          () -> {
                            throw first;
                          });
                      try {
                        Fiber.awaitCancel(); // woken once `first` has been recorded
                      } catch (Cancelled c) {
                        assertSame(first, c.reason());
                        throw second;
                      }
                    }));
    assertSame(first, thrown);
    assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
  }

  @Test
  void cancelledIsDroppedWhenARealFailureExists() {
    RuntimeException boom = new RuntimeException("boom");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      for (int i = 0; i < 10; i++) {
                        sw.fork(Fiber::awaitCancel);
                      }
                      sw.fork(
                          () -> {
                            throw boom;
                          });
                    }));
    assertSame(boom, thrown);
    assertEquals(0, thrown.getSuppressed().length);
  }

  @Test
  void checkedExceptionsAreWrappedOnce() {
    IOException io = new IOException("disk");
    WrappedCheckedException e =
        assertThrows(
            WrappedCheckedException.class,
            () ->
                Switch.run(
                    sw ->
                        sw.fork(
                            () -> {
                              throw io;
                            })));
    assertSame(io, e.getCause());
    WrappedCheckedException body =
        assertThrows(
            WrappedCheckedException.class,
            () ->
                Switch.run(
                    sw -> {
                      throw io;
                    }));
    assertSame(io, body.getCause());
    // Through two switches it is still wrapped once.
    WrappedCheckedException nested =
        assertThrows(
            WrappedCheckedException.class,
            () ->
                Switch.run(
                    outer ->
                        outer.fork(
                            () ->
                                Switch.run(
                                    inner -> {
                                      throw io;
                                    }))));
    assertSame(io, nested.getCause());
  }

  @Test
  void forkPromiseFailureGoesIntoThePromiseAndDoesNotFailTheSwitch() {
    IllegalStateException boom = new IllegalStateException("in promise");
    String v =
        Switch.call(
            sw -> {
              Promise<String> bad =
                  sw.forkPromise(
                      () -> {
                        throw boom;
                      });
              Promise<String> good = sw.forkPromise(() -> "fine");
              assertSame(boom, assertThrows(IllegalStateException.class, bad::await));
              return good.await();
            });
    assertEquals("fine", v);
  }

  @Test
  void failCancelsTheOtherFibersAndIsRethrown() {
    AtomicBoolean siblingCancelled = new AtomicBoolean();
    RuntimeException reason = new RuntimeException("stop everything");
    assertSame(
        reason,
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      CountDownLatch siblingStarted = new CountDownLatch(1);
                      sw.fork(
                          () -> {
                            siblingStarted.countDown();
                            try {
                              Fiber.awaitCancel();
                            } catch (Cancelled c) {
                              siblingCancelled.set(c.reason() == reason);
                              throw c;
                            }
                          });
                      siblingStarted.await();
                      sw.fail(reason);
                    })));
    assertTrue(siblingCancelled.get());
  }

  @Test
  void checkThrowsCancelledOnAFailedSwitchAndIllegalStateOnAFinishedOne() {
    Switch[] escaped = new Switch[1];
    assertThrows(
        RuntimeException.class,
        () ->
            Switch.run(
                sw -> {
                  escaped[0] = sw;
                  sw.check();
                  sw.fail(new RuntimeException("x"));
                  Cancel.protect(() -> assertThrows(Cancelled.class, sw::check));
                }));
    assertThrows(IllegalStateException.class, escaped[0]::check);
    assertThrows(IllegalStateException.class, () -> escaped[0].fail(new RuntimeException()));
  }

  @Test
  void runProtectedIsNotCancelledByTheCaller() {
    AtomicBoolean finished = new AtomicBoolean();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("outer cancelled"));
                  Switch.runProtected(
                      sw ->
                          sw.fork(
                              () -> {
                                Thread.sleep(10);
                                finished.set(true);
                              }));
                  Fiber.check();
                }));
    assertTrue(finished.get());
  }

  @Test
  void fibersAreNamedAfterTheirSwitchAndNumberedInDumps() {
    List<String> names = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> release = Promise.create();
    CountDownLatch started = new CountDownLatch(2);
    String[] dump = new String[1];
    Switch.run(
        "workers",
        sw -> {
          for (int i = 0; i < 2; i++) {
            sw.fork(
                () -> {
                  names.add(Thread.currentThread().getName());
                  started.countDown();
                  release.await();
                });
          }
          started.await();
          dump[0] = sw.dump();
          release.resolve(null);
        });
    // The thread carries the switch's name (shared, made once); the dump numbers each fiber.
    assertEquals(List.of("workers", "workers"), names);
    assertTrue(dump[0].contains("fiber workers/1: "), dump[0]);
    assertTrue(dump[0].contains("fiber workers/2: "), dump[0]);
  }

  @Test
  void fibersAreVirtualThreads() {
    AtomicBoolean virtual = new AtomicBoolean();
    Switch.run(sw -> sw.fork(() -> virtual.set(Thread.currentThread().isVirtual())));
    assertTrue(virtual.get());
  }

  @Test
  void interruptingAPlainThreadWaitingInRunCancelsTheSwitch() throws Exception {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    AtomicBoolean fiberStarted = new AtomicBoolean();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Switch.run(
                        sw ->
                            sw.fork(
                                () -> {
                                  fiberStarted.set(true);
                                  Fiber.awaitCancel();
                                }));
                  } catch (Throwable e) {
                    outcome.set(e);
                  }
                });
    await().untilTrue(fiberStarted);
    t.interrupt();
    t.join(Duration.ofSeconds(10));
    assertFalse(t.isAlive());
    assertInstanceOf(Cancelled.class, outcome.get());
  }

  @Test
  void nullArgumentsAreRejectedWithTheirName() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> Switch.run(null));
    assertEquals("body", e.getMessage());
    Switch.run(
        sw -> {
          assertEquals("task", assertThrows(NullPointerException.class, () -> sw.fork(null)).getMessage());
          assertEquals("hook", assertThrows(NullPointerException.class, () -> sw.onRelease(null)).getMessage());
        });
  }
}
