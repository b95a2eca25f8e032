package dev.eio.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FiberState#callCancelledBy}: cancellation delivered by a canceller, not an interrupt. */
@Timeout(30)
class CancelledByTest {

  @Test
  void cancellationRunsTheCancellerOnceInsteadOfInterruptingTheCall() {
    AtomicInteger cancellerRuns = new AtomicInteger();
    CountDownLatch released = new CountDownLatch(1);
    Promise<Void> inCall = Promise.create();
    Promise<Boolean> interruptedInCall = Promise.create();
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Cancel.sub(
                    ctx ->
                        Switch.run(
                            sw -> {
                              sw.fork(
                                  () -> {
                                    boolean interrupted =
                                        FiberState.callCancelledBy(
                                            () -> {
                                              cancellerRuns.incrementAndGet();
                                              released.countDown();
                                            },
                                            () -> {
                                              // Stands for a JDK call that an interrupt would
                                              // spoil: it waits uninterruptibly for its canceller.
                                              inCall.resolve(null);
                                              awaitUninterruptibly(released);
                                              return Thread.currentThread().isInterrupted();
                                            });
                                    interruptedInCall.resolve(interrupted);
                                    Fiber.check(); // the cancellation is still seen afterwards
                                    fail("the fiber was cancelled");
                                  });
                              sw.fork(
                                  () -> {
                                    inCall.await();
                                    // Cancel twice: the canceller still runs once.
                                    ctx.cancel(new RuntimeException("stop"));
                                    ctx.cancel(new RuntimeException("stop again"));
                                  });
                            })));
    assertEquals("stop", c.reason().getMessage());
    assertFalse(interruptedInCall.await(), "the call was not interrupted");
    assertEquals(1, cancellerRuns.get());
  }

  @Test
  void aCombinatorWhoseCallerIsCancelledDeliversTheCancellationByTheCanceller() {
    // On the structured-task-scope engine the caller's join is interrupted; closing the scope
    // then interrupts every subtask still running, which must not happen before they end.
    Promise<Void> inCall = Promise.create();
    Promise<Boolean> interruptedAfterRelease = Promise.create();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx ->
                    Switch.run(
                        sw -> {
                          sw.fork(
                              () ->
                                  Fiber.both(
                                      () -> {
                                        CountDownLatch released = new CountDownLatch(1);
                                        FiberState.callCancelledBy(
                                            released::countDown,
                                            () -> {
                                              inCall.resolve(null);
                                              awaitUninterruptibly(released);
                                              // The call's last moments: no interrupt may land.
                                              return interruptedAfterRelease.tryResolve(
                                                  interruptedWithin(200));
                                            });
                                        Fiber.check();
                                      },
                                      Fiber::awaitCancel));
                          inCall.await();
                          ctx.cancel(new RuntimeException("stop"));
                        })));
    assertFalse(interruptedAfterRelease.await(), "a subtask was interrupted inside its call");
  }

  @Test
  void aFiberCancelledBeforeTheCallNeverRunsItNorTheCanceller() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("early"));
                  FiberState.callCancelledBy(calls::incrementAndGet, calls::incrementAndGet);
                }));
    assertEquals(0, calls.get());
  }

  @Test
  void afterTheCallCancellationInterruptsAgain() {
    AtomicInteger cancellerRuns = new AtomicInteger();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  assertEquals("done", FiberState.callCancelledBy(cancellerRuns::incrementAndGet, () -> "done"));
                  ctx.cancel(new RuntimeException("later"));
                  assertTrue(Thread.currentThread().isInterrupted(), "delivered the usual way");
                  Fiber.check();
                }));
    assertEquals(0, cancellerRuns.get(), "the canceller belongs to its call only");
  }

  @Test
  void aFailingCancellerFallsBackToTheInterrupt() {
    Promise<Boolean> interrupted = Promise.create();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx ->
                    Switch.run(
                        sw -> {
                          CountDownLatch inCall = new CountDownLatch(1);
                          sw.fork(
                              () -> {
                                FiberState.callCancelledBy(
                                    () -> {
                                      throw new IllegalStateException("canceller broke");
                                    },
                                    () -> {
                                      inCall.countDown();
                                      try {
                                        new CountDownLatch(1).await();
                                        return interrupted.tryResolve(false);
                                      } catch (InterruptedException e) {
                                        return interrupted.tryResolve(true);
                                      }
                                    });
                                Fiber.check();
                              });
                          awaitUninterruptibly(inCall);
                          ctx.cancel(new RuntimeException("stop"));
                        })));
    assertTrue(interrupted.await(), "the blocked call was interrupted");
  }

  @Test
  void onAThreadThatIsNoFiberTheCallJustRuns() throws Exception {
    AtomicInteger result = new AtomicInteger();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    result.set(FiberState.callCancelledBy(() -> {}, () -> 42));
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
    t.join();
    assertEquals(42, result.get());
  }

  @Test
  void anInterruptedThreadGetsCancelledWithoutTheCall() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Promise<Throwable> thrown = Promise.create();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  Thread.currentThread().interrupt();
                  try {
                    FiberState.callCancelledBy(calls::incrementAndGet, calls::incrementAndGet);
                    thrown.resolve(null);
                  } catch (Exception e) {
                    thrown.resolve(e);
                  }
                });
    t.join();
    assertInstanceOf(Cancelled.class, thrown.await());
    assertEquals(0, calls.get());
  }

  /** Busy-waits up to {@code millis} for the calling thread's interrupt status. */
  private static boolean interruptedWithin(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      if (Thread.currentThread().isInterrupted()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return false;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
