package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/condition.md, case by case (all twelve cases). Eio's "typical single-domain use"
 * (a plain loop around {@code await_no_mutex}) is only safe on one domain; fibers run in parallel
 * here, so those cases use {@link Condition#loopNoMutex}, which has no gap. Where Eio relies on
 * its scheduler's order, the test waits for the fiber to be registered as a waiter.
 */
@Timeout(30)
class EioConditionConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  private static void awaitWaiters(Condition c, int n) {
    Waits.until(() -> c.waiting() == n);
  }

  /** condition.md, "Simple case". */
  @Test
  void aBroadcastWakesTheWaiter() {
    Condition c = new Condition();
    Fiber.both(
        () -> {
          c.awaitNoMutex();
          trace.add("1: finished");
        },
        () -> {
          awaitWaiters(c, 1);
          c.broadcast();
          trace.add("2: finished");
        });
    assertEquals(List.of("1: finished", "2: finished"), trace.stream().sorted().toList());
  }

  /** condition.md, "Broadcast when no one is waiting doesn't block". */
  @Test
  void aBroadcastWithNoWaiterDoesNothing() {
    Condition c = new Condition();
    c.broadcast();
    assertEquals(0, c.waiting());
  }

  /** condition.md, "Broadcast wakes all waiters at once". */
  @Test
  void aBroadcastWakesEveryWaiter() {
    Condition c = new Condition();
    Fiber.all(
        () -> {
          c.awaitNoMutex();
          trace.add("1: finished");
        },
        () -> {
          c.awaitNoMutex();
          trace.add("2: finished");
        },
        () -> {
          awaitWaiters(c, 2);
          c.broadcast();
          trace.add("3: finished");
        });
    assertEquals(
        List.of("1: finished", "2: finished", "3: finished"), trace.stream().sorted().toList());
  }

  /** The state of the "typical use" cases: a value and a condition broadcast on each change. */
  private static final class Cell {
    final AtomicInteger x = new AtomicInteger();
    final Condition cond = new Condition();
    final Mutex mutex = new Mutex();

    void set(int v) {
      x.set(v);
      cond.broadcast();
    }

    int awaitNoMutex(IntPredicate p) {
      return cond.loopNoMutex(() -> p.test(x.get()) ? Optional.of(x.get()) : Optional.empty());
    }

    void setLocked(int v) {
      mutex.useRw(false, () -> x.set(v));
      cond.broadcast();
    }

    int awaitLocked(IntPredicate p) {
      return mutex.useRo(
          () -> {
            while (!p.test(x.get())) {
              cond.await(mutex);
            }
            return x.get();
          });
    }
  }

  /** condition.md, "Typical single-domain use" and its "Cancellation while waiting". */
  @Test
  void waitingForAValueWithoutAMutex() {
    Cell cell = new Cell();
    Fiber.both(
        () -> assertEquals(42, cell.awaitNoMutex(v -> v == 42)),
        () -> {
          cell.set(5);
          Fiber.yield();
          cell.set(7);
          cell.set(42);
        });
    // A cancelled wait leaves the condition usable.
    assertEquals("other", Fiber.first(() -> "" + cell.awaitNoMutex(v -> v == 0), () -> "other"));
    assertEquals(0, cell.cond.waiting());
    Fiber.both(
        () -> assertEquals(0, cell.awaitNoMutex(v -> v == 0)),
        () -> {
          cell.set(5);
          Fiber.yield();
          cell.set(0);
        });
  }

  /** condition.md, "Use with mutex" and its "Cancellation while waiting". */
  @Test
  void waitingForAValueWithAMutex() {
    Cell cell = new Cell();
    Fiber.both(
        () -> assertEquals(42, cell.awaitLocked(v -> v == 42)),
        () -> {
          cell.setLocked(5);
          Fiber.yield();
          cell.setLocked(7);
          cell.setLocked(42);
        });
    assertEquals("other", Fiber.first(() -> "" + cell.awaitLocked(v -> v == 0), () -> "other"));
    assertTrue(cell.mutex.tryLock(), "the cancelled waiter left the mutex locked");
    cell.mutex.unlock();
    Fiber.both(
        () -> assertEquals(0, cell.awaitLocked(v -> v == 0)),
        () -> {
          cell.setLocked(5);
          Fiber.yield();
          cell.setLocked(0);
        });
  }

  /** condition.md, "Cancelling while the mutex is held": await relocks, uncancellably. */
  @Test
  void aCancelledAwaitRelocksTheMutexBeforeThrowing() {
    Mutex mutex = new Mutex();
    Condition cond = new Condition();
    IllegalStateException simulated = new IllegalStateException("Simulated error");
    assertSame(
        simulated,
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(
                          () -> {
                            mutex.lock();
                            try {
                              cond.await(mutex);
                              fail("not cancelled");
                            } catch (Cancelled ex) {
                              trace.add("Forked fiber unlocking");
                              mutex.unlock();
                              throw ex;
                            }
                          });
                      awaitWaiters(cond, 1);
                      Cancel.protect(
                          () -> {
                            mutex.lock();
                            sw.fail(simulated);
                            Fiber.yield();
                            trace.add("Main fiber unlocking");
                            mutex.unlock();
                          });
                    })));
    assertEquals(List.of("Main fiber unlocking", "Forked fiber unlocking"), trace);
  }

  /** condition.md, "Looping": the check runs until it returns a value. */
  @Test
  void loopNoMutexChecksUntilTheValueIsThere() {
    Cell cell = new Cell();
    Fiber.both(
        () ->
            cell.cond.loopNoMutex(
                () -> {
                  trace.add("Checking x...");
                  Fiber.yield();
                  int seen = cell.x.get();
                  // Eio's trace has it see exactly 3; in parallel the setter may be past it,
                  // so the check is for 3 or later: no broadcast after a stale read is lost.
                  return seen >= 3 ? Optional.of(seen) : Optional.empty();
                }),
        () -> {
          for (int v = 1; v <= 4; v++) {
            cell.set(v);
            Fiber.yield();
          }
        });
    assertTrue(trace.size() >= 1);
  }

  /**
   * A loop that never finds its value, cancelled by a sibling's failure, after a broadcast or
   * not; returns how many times the check ran.
   */
  private int checksOfALoopCancelledBySibling(boolean broadcastFirst) {
    Condition cond = new Condition();
    IllegalStateException simulated = new IllegalStateException("Simulated error");
    assertSame(
        simulated,
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () ->
                        cond.loopNoMutex(
                            () -> {
                              trace.add("Checking");
                              return Optional.empty();
                            }),
                    () -> {
                      awaitWaiters(cond, 1);
                      if (broadcastFirst) {
                        cond.broadcast();
                      }
                      throw simulated;
                    })));
    return trace.size();
  }

  /** condition.md, "Cancelling". */
  @Test
  void aSiblingFailureCancelsTheLoop() {
    assertEquals(1, checksOfALoopCancelledBySibling(false));
  }

  /** condition.md, "Cancelling after succeeding": the check runs again after the wake-up. */
  @Test
  void theCheckRunsAgainWhenCancelledRightAfterTheBroadcast() {
    assertEquals(2, checksOfALoopCancelledBySibling(true));
  }

  /** condition.md, "User function raises". */
  @Test
  void aFailingCheckIsRethrown() {
    Condition cond = new Condition();
    IllegalStateException simulated = new IllegalStateException("Simulated failure");
    assertSame(
        simulated,
        assertThrows(
            IllegalStateException.class,
            () ->
                cond.loopNoMutex(
                    () -> {
                      Fiber.yield();
                      throw simulated;
                    })));
    assertEquals(0, cond.waiting());
  }
}
