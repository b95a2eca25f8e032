package dev.eio.parallel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.WrappedCheckedException;
import dev.eio.internal.engine.Engines;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DomainManagerTest {

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  /** Recursive fib through Fiber.pair, sequential below a threshold. */
  static long pfib(int n) {
    if (n < 12) {
      return fib(n);
    }
    var p = Fiber.pair(() -> pfib(n - 1), () -> pfib(n - 2));
    return p.first() + p.second();
  }

  @Test
  void runComputesOnAPlatformDomainThreadWhileTheCallerParks() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          Thread caller = Thread.currentThread();
          Thread ran = d.run(Thread::currentThread);
          assertNotSame(caller, ran);
          assertFalse(ran.isVirtual(), "a domain is a platform thread");
          assertTrue(ran.getName().startsWith("eio-domain-"), ran.getName());
          assertEquals(832040L, d.run(() -> fib(30)));
        });
  }

  @Test
  void exceptionsComeBackAsIfFnWereCalledDirectly() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          IllegalStateException boom = new IllegalStateException("boom");
          assertSame(boom, assertThrows(IllegalStateException.class, () -> d.run(() -> {
            throw boom;
          })));
          IOException io = new IOException("disk");
          WrappedCheckedException w =
              assertThrows(WrappedCheckedException.class, () -> d.run(() -> {
                throw io;
              }));
          assertSame(io, w.getCause());
          StackOverflowError err = new StackOverflowError();
          assertSame(err, assertThrows(StackOverflowError.class, () -> d.run(() -> {
            throw err;
          })));
          // The pool thread survived every failure.
          assertEquals(3, d.run(() -> 3));
        });
  }

  @Test
  void fewerThanOneDomainIsAClearError() {
    Switch.run(
        sw -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> DomainManager.create(sw, 0));
          assertEquals("domains must be >= 1, got 0", e.getMessage());
        });
  }

  @Test
  void cancellingTheCallerInterruptsABlockedFnAndWaitsForIt() {
    AtomicBoolean fnReturned = new AtomicBoolean();
    AtomicBoolean callerSawFnReturned = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Switch.run(
                    sw -> {
                      DomainManager d = DomainManager.create(sw, 1);
                      sw.fork(
                          () -> {
                            try {
                              d.run(
                                  () -> {
                                    try {
                                      started.countDown();
                                      Thread.sleep(Long.MAX_VALUE);
                                    } finally {
                                      fnReturned.set(true);
                                    }
                                  });
                            } finally {
                              callerSawFnReturned.set(fnReturned.get());
                            }
                          });
                      started.await();
                      sw.fail(new Cancelled("stop"));
                    }));
    assertNotNull(c);
    assertTrue(callerSawFnReturned.get(), "the caller returned before fn did");
  }

  @Test
  void cancellationReachesFiberCheckInsideASpinningFn() {
    AtomicInteger loops = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    RuntimeException reason = new RuntimeException("user stop");
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          Cancelled c =
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx -> {
                            sw.fork(
                                () -> {
                                  started.await();
                                  ctx.cancel(reason);
                                });
                            d.run(
                                () -> {
                                  started.countDown();
                                  while (true) {
                                    loops.incrementAndGet();
                                    Fiber.check();
                                  }
                                });
                          }));
          assertSame(reason, c.reason());
        });
    assertTrue(loops.get() > 0);
  }

  @Test
  void aFnThatIgnoresCancellationIsStillWaitedFor() {
    CountDownLatch cancelled = new CountDownLatch(1);
    CountDownLatch fnStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean fnReturned = new AtomicBoolean();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          Promise<Void> callerDone = Promise.create();
          sw.fork(
              () -> {
                try {
                  Cancel.sub(
                      ctx -> {
                        sw.fork(
                            () -> {
                              fnStarted.await();
                              ctx.cancel(new RuntimeException("stop"));
                              cancelled.countDown();
                            });
                        outcome.set(
                            d.run(
                                () -> {
                                  fnStarted.countDown();
                                  // Ignores interrupts: only the latch lets it end.
                                  while (release.getCount() > 0) {
                                    Thread.onSpinWait();
                                  }
                                  fnReturned.set(true);
                                  return "finished";
                                }));
                      });
                } catch (Cancelled e) {
                  outcome.set(e);
                } finally {
                  assertTrue(fnReturned.get(), "the caller returned while fn still ran");
                  callerDone.resolve(null);
                }
              });
          cancelled.await();
          assertFalse(callerDone.isResolved());
          release.countDown();
          callerDone.await();
        });
    // fn completed: its value came back (completed, not cancelled: never both).
    assertEquals("finished", outcome.get());
  }

  @Test
  void interruptingAPlainCallingThreadCancelsTheSectionAndWaitsForIt() {
    AtomicBoolean fnEnded = new AtomicBoolean();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean endedBeforeReturn = new AtomicBoolean();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          Thread plain =
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          d.run(
                              () -> {
                                try {
                                  started.countDown();
                                  Thread.sleep(Long.MAX_VALUE);
                                } finally {
                                  fnEnded.set(true);
                                }
                              });
                        } catch (Throwable t) {
                          thrown.set(t);
                          endedBeforeReturn.set(fnEnded.get());
                          stillInterrupted.set(Thread.currentThread().isInterrupted());
                        }
                      });
          started.await();
          plain.interrupt();
          plain.join();
        });
    assertInstanceOf(Cancelled.class, thrown.get());
    assertTrue(endedBeforeReturn.get());
    assertTrue(stillInterrupted.get(), "the caller's interrupt status is kept");
  }

  @Test
  void aNestedRunFromInsideADomainRunsInline() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          var threads =
              d.run(() -> new Thread[] {Thread.currentThread(), d.run(Thread::currentThread)});
          assertSame(threads[0], threads[1]);
          assertEquals(55L, d.run(() -> d.run(() -> d.run(() -> fib(10)))));
        });
  }

  @Test
  void combinatorsInsideASectionAreForkJoinTasksOnTheSamePool() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          d.run(
              () -> {
                assertEquals("fork-join", Engines.current(null).name());
                CountDownLatch both = new CountDownLatch(2);
                Set<Thread> seen = ConcurrentHashMap.newKeySet();
                Fiber.both(
                    () -> {
                      seen.add(Thread.currentThread());
                      both.countDown();
                      both.await(); // only returns when the other task runs at the same time
                    },
                    () -> {
                      seen.add(Thread.currentThread());
                      both.countDown();
                      both.await();
                    });
                assertEquals(2, seen.size());
                for (Thread t : seen) {
                  assertTrue(d.isDomainThread() && t.getName().startsWith("eio-domain-"), "" + t);
                }
              });
          assertEquals(fib(25), d.run(() -> pfib(25)));
        });
  }

  @Test
  void failureRulesHoldInsideASection() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          IllegalStateException boom = new IllegalStateException("boom");
          IllegalStateException thrown =
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      d.run(
                          () ->
                              Fiber.both(
                                  () -> {
                                    throw boom;
                                  },
                                  () -> {
                                    while (true) {
                                      Fiber.check(); // cancelled by the sibling's failure
                                    }
                                  })));
          assertSame(boom, thrown);
          String winner =
              d.run(
                  () ->
                      Fiber.first(
                          () -> "fast",
                          () -> {
                            Fiber.awaitCancel();
                            return "never";
                          }));
          assertEquals("fast", winner);
          List<Integer> squares = d.run(() -> Fiber.map(List.of(1, 2, 3, 4), 4, x -> x * x));
          assertEquals(List.of(1, 4, 9, 16), squares);
        });
  }

  @Test
  void theCallersFiberKeysAreVisibleInTheSection() {
    Fiber.Key<String> user = new Fiber.Key<>("user");
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          String got = Fiber.withBinding(user, "ada", () -> d.run(() -> Fiber.get(user).orElse("?")));
          assertEquals("ada", got);
        });
  }

  @Test
  void ioFibersStayResponsiveWhileEveryDomainIsBusy() {
    int n = DomainManager.defaultDomains();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger wakes = new AtomicInteger();
    CountDownLatch allBusy = new CountDownLatch(n);
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  DomainManager d = env.domains();
                  assertEquals(n, d.domains());
                  sw.fork(
                      () ->
                          d.run(
                              () -> {
                                Fiber.all(
                                    java.util.Collections.nCopies(
                                        n,
                                        () -> {
                                          allBusy.countDown();
                                          long x = 0;
                                          while (!stop.get()) {
                                            x += fib(15);
                                          }
                                          assertTrue(x > 0);
                                        }));
                              }));
                  allBusy.await();
                  sw.fork(
                      () -> {
                        while (!stop.get()) {
                          Thread.sleep(10);
                          wakes.incrementAndGet();
                        }
                      });
                  try {
                    // A starved virtual-thread scheduler would give (next to) no wakes at all.
                    await().atMost(Duration.ofSeconds(2)).until(() -> wakes.get() >= 5);
                  } finally {
                    stop.set(true);
                  }
                }));
  }

  @Test
  void noDomainThreadOutlivesItsSwitch() {
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    AtomicReference<DomainManager> ref = new AtomicReference<>();
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 3);
          ref.set(d);
          d.run(
              () ->
                  Fiber.all(
                      java.util.Collections.nCopies(
                          6,
                          () -> {
                            seen.add(Thread.currentThread());
                            fib(20);
                          })));
        });
    assertFalse(seen.isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().noneMatch(Thread::isAlive));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ref.get().run(() -> 1));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void theRunsOwnManagerIsShutDownWhenTheRunEnds() {
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    DomainManager d =
        Eio.call(
            env -> {
              env.domains().run(() -> seen.add(Thread.currentThread()));
              return env.domains();
            });
    assertEquals(DomainManager.defaultDomains(), d.domains());
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().noneMatch(Thread::isAlive));
    assertThrows(IllegalStateException.class, () -> d.run(() -> 1));
  }
}
