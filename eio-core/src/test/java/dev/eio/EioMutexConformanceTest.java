package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/mutex.md, case by case (all eleven cases). Eio checks a trace under its mock
 * scheduler; fibers run in parallel here, so where a case relies on the scheduler's order (the
 * failing fiber runs while the other is inside its critical section), the test waits for that
 * state instead of yielding.
 */
@Timeout(30)
class EioMutexConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  /** mutex.md, "Simple case". */
  @Test
  void lockAndUnlockInSequence() {
    Mutex t = new Mutex();
    t.lock();
    t.unlock();
    t.lock();
    t.unlock();
    assertTrue(t.tryLock());
  }

  /** mutex.md, "Concurrent access to the mutex": one holder at a time, all four finish. */
  @Test
  void concurrentAccessHasOneHolderAtATime() {
    Mutex t = new Mutex();
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Task> fns = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fns.add(
          () -> {
            t.lock();
            most.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Fiber.yield();
            holders.decrementAndGet();
            t.unlock();
          });
    }
    Fiber.all(fns);
    assertEquals(1, most.get());
    assertTrue(t.tryLock());
  }

  /** mutex.md, "Double unlock raises an exception": the error poisons the mutex. */
  @Test
  void aDoubleUnlockFailsAndPoisonsTheMutex() {
    Mutex t = new Mutex();
    t.lock();
    t.unlock();
    IllegalStateException caught = assertThrows(IllegalStateException.class, t::unlock);
    assertFalse(caught instanceof Mutex.Poisoned, "the unlock itself reports the misuse");
    Mutex.Poisoned p = assertThrows(Mutex.Poisoned.class, t::lock);
    assertSame(caught, p.getCause());
  }

  /** mutex.md, "Read-write access": successful use, one critical section at a time. */
  @Test
  void readWriteSectionsDoNotOverlap() {
    Mutex t = new Mutex();
    Task fn =
        () -> {
          trace.add("Entered critical section");
          Fiber.yield();
          trace.add("Leaving critical section");
        };
    Fiber.both(() -> t.useRw(true, fn), () -> t.useRw(true, fn));
    assertEquals(
        List.of(
            "Entered critical section",
            "Leaving critical section",
            "Entered critical section",
            "Leaving critical section"),
        trace);
    assertFalse(t.isPoisoned());
  }

  /** mutex.md, "A failed critical section will poison the mutex". */
  @Test
  void aFailedReadWriteSectionPoisonsTheMutex() {
    Mutex t = new Mutex();
    IllegalStateException boom = new IllegalStateException("Simulated error");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                t.useRw(
                    true,
                    () -> {
                      throw boom;
                    })));
    Mutex.Poisoned p = assertThrows(Mutex.Poisoned.class, t::lock);
    assertSame(boom, p.getCause());
  }

  /** mutex.md, "We can prevent cancellation during a critical section". */
  @Test
  void aProtectedSectionFinishesAndTheCancellationFollows() {
    Mutex t = new Mutex();
    CountDownLatch entered = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("Simulated error");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () ->
                        Cancel.sub(
                            ctx -> {
                              t.useRw(
                                  true,
                                  () -> {
                                    entered.countDown();
                                    // Eio yields here and the other fiber cancels it meanwhile.
                                    Waits.until(ctx::isCancelled);
                                    Fiber.yield();
                                    trace.add("Restored invariant");
                                  });
                              Fiber.check();
                              trace.add("Error: not cancelled!");
                            }),
                    () -> {
                      entered.await();
                      trace.add("Cancelling...");
                      throw boom;
                    }));
    assertSame(boom, e);
    assertEquals(List.of("Cancelling...", "Restored invariant"), trace);
    assertFalse(t.isPoisoned());
  }

  /** mutex.md, "Or allow interruption and disable the mutex". */
  @Test
  void anUnprotectedSectionIsCancelledAndPoisonsTheMutex() {
    Mutex t = new Mutex();
    CountDownLatch entered = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("Simulated error");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () ->
                        t.useRw(
                            false,
                            () -> {
                              entered.countDown();
                              Fiber.awaitCancel();
                              trace.add("Restored invariant");
                            }),
                    () -> {
                      entered.await();
                      trace.add("Cancelling...");
                      throw boom;
                    }));
    assertSame(boom, e);
    Mutex.Poisoned p =
        assertThrows(Mutex.Poisoned.class, () -> t.useRo(() -> fail("ran on a poisoned mutex")));
    Cancelled c = assertInstanceOf(Cancelled.class, p.getCause());
    assertSame(boom, c.getCause());
    assertEquals(List.of("Cancelling..."), trace);
  }

  /** mutex.md, "Protection doesn't prevent cancellation while we're still waiting for the lock". */
  @Test
  void protectionDoesNotCoverWaitingForTheLock() {
    Mutex t = new Mutex();
    t.lock();
    IllegalStateException boom = new IllegalStateException("Simulated error");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> t.useRw(true, () -> fail("got a held lock")),
                    () -> {
                      Waits.until(() -> t.waiting() == 1);
                      throw boom;
                    })));
    assertEquals(0, t.waiting());
    t.unlock();
    t.useRo(() -> trace.add("Can reuse the mutex"));
    assertEquals(List.of("Can reuse the mutex"), trace);
  }

  /** mutex.md, "Poisoning wakes any wakers". */
  @Test
  void poisoningWakesTheWaiters() {
    Mutex t = new Mutex();
    CountDownLatch entered = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("Simulated error");
    Mutex.Poisoned p =
        assertThrows(
            Mutex.Poisoned.class,
            () ->
                Fiber.both(
                    () -> {
                      try {
                        t.useRw(
                            false,
                            () -> {
                              entered.countDown();
                              Waits.until(() -> t.waiting() == 1);
                              trace.add("Poisoning mutex");
                              throw boom;
                            });
                      } catch (IllegalStateException expected) {
                        assertSame(boom, expected);
                      }
                    },
                    () -> {
                      entered.await();
                      trace.add("Waiting for lock...");
                      t.useRo(() -> fail("ran on a poisoned mutex"));
                    }));
    assertSame(boom, p.getCause());
    assertEquals(List.of("Waiting for lock...", "Poisoning mutex"), trace);
  }

  /** mutex.md, "If the resource isn't being mutated, we can just unlock on error". */
  @Test
  void aFailedReadOnlySectionUnlocksWithoutPoisoning() {
    Mutex t = new Mutex();
    IllegalStateException boom = new IllegalStateException("Simulated error");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                t.useRo(
                    () -> {
                      throw boom;
                    })));
    t.lock();
    assertFalse(t.isPoisoned());
  }

  /** mutex.md, "Try_lock": the second try fails while the first holds the lock. */
  @Test
  void tryLockFailsWhileHeld() {
    Mutex t = new Mutex();
    AtomicInteger tried = new AtomicInteger();
    Task fn =
        () -> {
          if (t.tryLock()) {
            trace.add("Entered critical section");
            // Eio yields here and the other fiber tries meanwhile.
            Waits.until(() -> tried.get() == 1);
            trace.add("Leaving critical section");
            t.unlock();
          } else {
            trace.add("Failed to get lock");
            tried.incrementAndGet();
          }
        };
    Fiber.both(fn, fn);
    t.useRo(() -> trace.add("Lock still works"));
    assertEquals(
        List.of("Entered critical section", "Failed to get lock", "Leaving critical section"),
        trace.subList(0, 3).stream().sorted().toList());
    assertEquals(List.of("Leaving critical section", "Lock still works"), trace.subList(2, 4));
  }
}
