package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/lazy.md, case by case (all five cases). Eio's {@code ~cancel:`Restart|`Record|
 * `Protect} is {@link Lazy.CancelPolicy}. Where Eio relies on its mock scheduler's order, a
 * promise or a wait for a parked fiber makes the same order here.
 */
@Timeout(30)
class EioLazyConformanceTest {


  /** lazy.md, "Two fibers request the value. It's only computed once". */
  @Test
  void twoFibersGetOneComputation() {
    AtomicInteger runs = new AtomicInteger();
    Lazy<Integer> v =
        Lazy.of(
            () -> {
              runs.incrementAndGet();
              Fiber.yield();
              return 42;
            });
    Fiber.Pair<Integer, Integer> p = Fiber.pair(v::get, v::get);
    assertEquals(new Fiber.Pair<>(42, 42), p);
    assertEquals(1, runs.get());
  }

  /** lazy.md, "The calculation fails. It's still only performed once". */
  @Test
  void aFailureIsComputedOnceAndSeenByBoth() {
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException failed = new IllegalStateException("failed");
    Lazy<Integer> v =
        Lazy.of(
            () -> {
              runs.incrementAndGet();
              Fiber.yield();
              throw failed;
            });
    List<Throwable> seen = new CopyOnWriteArrayList<>();
    Fiber.both(
        () -> seen.add(assertThrows(IllegalStateException.class, v::get)),
        () -> seen.add(assertThrows(IllegalStateException.class, v::get)));
    assertEquals(List.of(failed, failed), seen);
    assertEquals(1, runs.get());
  }

  /**
   * lazy.md, "Cancellation": fiber a starts the computation and is cancelled (it loses a race)
   * while fiber b waits for it. Returns what b got, a Cancelled or the value.
   */
  private static Object cancelWhileAnotherWaits(Lazy.CancelPolicy policy, AtomicInteger runs) {
    Promise<Void> computing = Promise.create();
    Promise<Void> gate = Promise.create();
    AtomicReference<Thread> b = new AtomicReference<>();
    AtomicReference<Object> bGot = new AtomicReference<>();
    Lazy<Integer> v =
        Lazy.of(
            policy,
            () -> {
              if (runs.incrementAndGet() == 1) {
                computing.resolve(null);
                gate.await(); // a is cancelled here (unless protected)
              }
              return 42;
            });
    Promise<Void> won = Promise.create();
    Fiber.all(
        () -> {
          int x =
              Fiber.first(
                  () -> {
                    v.get(); // under PROTECT returns 42 once the gate opens
                    Fiber.awaitCancel(); // Eio's test checks for cancellation here
                    throw new AssertionError("unreachable");
                  },
                  () -> {
                    computing.await();
                    Waits.parked(b);
                    won.resolve(null);
                    return 5;
                  });
          assertEquals(5, x);
        },
        () -> {
          won.await();
          if (policy == Lazy.CancelPolicy.PROTECT) {
            gate.resolve(null); // a protected computation cannot be cancelled: let it finish
          }
        },
        () -> {
          computing.await();
          b.set(Thread.currentThread());
          try {
            bGot.set(v.get());
          } catch (Cancelled c) {
            bGot.set(c);
          }
        });
    return bGot.get();
  }

  /** lazy.md, "In record mode, the second fiber sees the cancelled exception". */
  @Test
  void recordModeGivesTheWaiterTheCancellation() {
    AtomicInteger runs = new AtomicInteger();
    assertInstanceOf(Cancelled.class, cancelWhileAnotherWaits(Lazy.CancelPolicy.RECORD, runs));
    assertEquals(1, runs.get());
  }

  /** lazy.md, "In protect mode, the first calculation succeeds". */
  @Test
  void protectModeFinishesTheFirstComputation() {
    AtomicInteger runs = new AtomicInteger();
    assertEquals(42, cancelWhileAnotherWaits(Lazy.CancelPolicy.PROTECT, runs));
    assertEquals(1, runs.get());
  }

  /** lazy.md, "In restart mode, the second fiber restarts the calculation". */
  @Test
  void restartModeRunsTheComputationAgainForTheWaiter() {
    AtomicInteger runs = new AtomicInteger();
    assertEquals(42, cancelWhileAnotherWaits(Lazy.CancelPolicy.RESTART, runs));
    assertEquals(2, runs.get());
  }
}
