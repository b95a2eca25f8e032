package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/pool.md, case by case (all nine cases). As in Eio, item {@code i} of the pool is
 * the value of the {@code i}th promise given, awaited by {@code create}. Eio checks its mock
 * scheduler's trace; fibers run in parallel here, so each case checks the facts the trace shows.
 */
@Timeout(30)
class EioPoolConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  private Pool<Integer> create(
      Switch sw,
      int max,
      List<Promise<Integer>> items,
      Predicate<Integer> validate,
      Consumer<Integer> dispose) {
    AtomicInteger next = new AtomicInteger();
    return Pool.create(
        sw,
        max,
        () -> {
          int i = next.getAndIncrement();
          trace.add("Creating item " + i);
          return items.get(i).await();
        },
        validate,
        dispose);
  }

  private static Promise<Integer> resolved(int v) {
    Promise<Integer> p = Promise.create();
    p.resolve(v);
    return p;
  }

  /** pool.md, "Simple case": the one item is created once and reused. */
  @Test
  void anItemIsCreatedOnceAndReused() {
    Switch.run(
        sw -> {
          Pool<Integer> t = create(sw, 1, List.of(resolved(0)), null, null);
          assertEquals(0, (int) t.use(x -> x));
          assertEquals(0, (int) t.use(x -> x));
        });
    assertEquals(List.of("Creating item 0"), trace);
  }

  /** pool.md, "Two uses with a capacity of 1; the second must wait". */
  @Test
  void withCapacityOneTheSecondUseWaits() {
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Promise<Integer> p = Promise.create();
    Switch.run(
        sw -> {
          Pool<Integer> t = create(sw, 1, List.of(p), null, null);
          Task use =
              () ->
                  t.use(
                      x -> {
                        most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                        Fiber.yield();
                        inUse.decrementAndGet();
                        return x;
                      });
          Fiber.all(use, use, () -> p.resolve(0));
        });
    assertEquals(1, most.get());
    assertEquals(List.of("Creating item 0"), trace);
  }

  private final Promise<Void>[] together = newLatches();
  private final AtomicInteger in = new AtomicInteger();

  @SuppressWarnings("unchecked")
  private static Promise<Void>[] newLatches() {
    Promise<Void>[] p = new Promise[4];
    for (int i = 0; i < p.length; i++) {
      p[i] = Promise.create();
    }
    return p;
  }

  /** A use that returns only once another such use holds an item at the same time. */
  private Task holdingBoth(Pool<Integer> t, List<Integer> used) {
    return () ->
        t.use(
            x -> {
              used.add(x);
              int k = in.incrementAndGet();
              Promise<Void> round = together[(k - 1) / 2];
              if (k % 2 == 0) {
                round.resolve(null);
              }
              round.await();
              return x;
            });
  }

  /** pool.md, "Two uses with a capacity of 2; they run in parallel". */
  @Test
  void withCapacityTwoBothUsesGetAnItem() {
    Promise<Integer> p0 = Promise.create();
    Promise<Integer> p1 = Promise.create();
    List<Integer> used = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          Pool<Integer> t = create(sw, 2, List.of(p0, p1), null, null);
          Fiber.all(
              holdingBoth(t, used),
              holdingBoth(t, used),
              () -> {
                p0.resolve(0);
                p1.resolve(1);
              });
        });
    assertEquals(List.of(0, 1), used.stream().sorted().toList());
  }

  /**
   * pool.md, "two uses that cannot block and two normal uses": never-block uses beyond the
   * capacity get a temporary item, disposed after use.
   */
  @Test
  void neverBlockUsesGetATemporaryItemWhenTheSlotIsBusy() {
    List<Integer> disposed = new CopyOnWriteArrayList<>();
    Promise<Void> holding = Promise.create();
    Promise<Void> release = Promise.create();
    Switch.run(
        sw -> {
          Pool<Integer> t =
              create(sw, 1, List.of(resolved(0), resolved(1)), null, disposed::add);
          Fiber.all(
              () ->
                  t.use(
                      true,
                      x -> {
                        holding.resolve(null);
                        release.await();
                        return x;
                      }),
              () -> {
                holding.await();
                assertEquals(1, (int) t.use(true, x -> x)); // the slot is busy: a temporary item
                release.resolve(null);
              });
          assertEquals(0, (int) t.use(x -> x)); // the pooled item, reused
        });
    assertEquals(List.of(1, 0), disposed); // the temporary at once, the pooled one at the end
  }

  /** pool.md, "Cancellation": waiters on a creation and on a return are cancelled cleanly. */
  @Test
  void waitersAreCancelledByASiblingFailure() {
    Promise<Integer> p = Promise.create();
    IllegalStateException simulated = new IllegalStateException("Simulated error");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      Pool<Integer> t = create(sw, 1, List.of(p), null, null);
                      Fiber.all(
                          () -> t.use(x -> fail("used")),
                          () -> t.use(x -> fail("used")),
                          () -> {
                            Fiber.yield();
                            throw simulated;
                          });
                    }));
    assertSame(simulated, thrown);
  }

  /** pool.md, "On error, the resource is still returned to the pool". */
  @Test
  void aFailingUseReturnsTheItem() {
    Switch.run(
        sw -> {
          Pool<Integer> t = create(sw, 1, List.of(resolved(0)), null, null);
          assertThrows(
              IllegalStateException.class,
              () ->
                  t.use(
                      x -> {
                        throw new IllegalStateException("Simulated error");
                      }));
          assertEquals(0, (int) t.use(x -> x));
        });
    assertEquals(List.of("Creating item 0"), trace);
  }

  /** pool.md, "When the creation function fails, the first fiber reports the error, and also wakes the second fiber, which tries again". */
  @Test
  void aFailedCreationIsReportedOnceAndTheNextWaiterCreatesAgain() {
    Promise<Integer> p = Promise.create();
    RuntimeException failure = new RuntimeException("Simulated creation failure");
    List<Object> outcomes = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          Pool<Integer> t = create(sw, 1, List.of(p, resolved(1)), null, null);
          Task use =
              () -> {
                try {
                  outcomes.add(t.use(x -> x));
                } catch (RuntimeException e) {
                  outcomes.add(e);
                }
              };
          Fiber.all(
              use,
              use,
              () -> {
                org.awaitility.Awaitility.await().until(() -> !trace.isEmpty());
                p.fail(failure);
              });
        });
    assertEquals(2, outcomes.size());
    assertTrue(outcomes.contains(failure), outcomes.toString());
    assertTrue(outcomes.contains(1), outcomes.toString());
    assertEquals(List.of("Creating item 0", "Creating item 1"), trace);
  }

  /** pool.md, "Validation": a reused item is validated; a rejected one is disposed and replaced. */
  @Test
  void aReusedItemIsValidatedAndReplacedWhenInvalid() {
    List<String> validated = new CopyOnWriteArrayList<>();
    List<Integer> disposed = new CopyOnWriteArrayList<>();
    List<Integer> used = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          Pool<Integer> t =
              create(
                  sw,
                  2,
                  List.of(resolved(0), resolved(1), resolved(2)),
                  x -> {
                    boolean ok = (x & 1) == 0;
                    validated.add("validate " + x + " => " + ok);
                    return ok;
                  },
                  disposed::add);
          // A and B hold both items at once, then C and D do, so each reuses one of them.
          Fiber.all(holdingBoth(t, used), holdingBoth(t, used));
          Fiber.all(holdingBoth(t, used), holdingBoth(t, used));
          assertTrue(disposed.contains(1), disposed.toString());
        });
    assertEquals(List.of("validate 0 => true", "validate 1 => false"), validated.stream().sorted().toList());
    assertEquals(List.of(0, 0, 1, 2), used.stream().sorted().toList());
    assertEquals(List.of("Creating item 0", "Creating item 1", "Creating item 2"), trace);
  }

  /** pool.md, "Dispose fails. We report the error, but still recreate the resource next time". */
  @Test
  void aFailingDisposeIsReportedAndTheItemIsStillReplaced() {
    List<Integer> used = new ArrayList<>();
    Switch.run(
        sw -> {
          Pool<Integer> t =
              create(
                  sw,
                  1,
                  List.of(resolved(0), resolved(1), resolved(2)),
                  x -> (x & 1) == 1,
                  x -> {
                    // Eio's pool has no switch; here the idle item 1 is disposed when the
                    // switch ends, so only item 0's disposal fails.
                    if (x == 0) {
                      throw new IllegalStateException("Simulated error disposing " + x);
                    }
                  });
          used.add(t.use(x -> x));
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.use(x -> x));
          assertEquals("Simulated error disposing 0", e.getMessage());
          used.add(t.use(x -> x));
          used.add(t.use(x -> x));
        });
    assertEquals(List.of(0, 1, 1), used);
    assertEquals(List.of("Creating item 0", "Creating item 1"), trace);
  }
}
