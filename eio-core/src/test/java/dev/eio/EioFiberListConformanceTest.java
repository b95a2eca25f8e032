package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/fiber.md, "Concurrent list operations", case by case: {@code Fiber.List.map},
 * {@code filter}, {@code filter_map} and {@code iter} are {@link Fiber#map}, {@link
 * Fiber#filter} and {@link Fiber#forEach} (filter_map is a map, then dropping the empties).
 * Eio's {@code process} yields once between "Start" and the work, so under its scheduler every
 * item starts before any finishes, and they finish in input order. Fibers run in parallel here,
 * so {@link #process} makes that order explicit: every item waits for all to start, then for
 * the item before it to finish. Where Eio's default {@code max_fibers} is unlimited, ours is the
 * number of items.
 */
@Timeout(30)
class EioFiberListConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  /** Eio's {@code process fn x} for items {@code 1..n}, with the order its scheduler gives. */
  private final class Ordered {
    final CountDownLatch started;
    final List<Promise<Void>> finished = new ArrayList<>();

    Ordered(int n) {
      started = new CountDownLatch(n);
      for (int i = 0; i <= n; i++) {
        finished.add(Promise.create());
      }
      finished.get(0).resolve(null);
    }

    <B> B process(CheckedFunction<Integer, B> fn, int x) throws Exception {
      trace.add("Start " + x);
      started.countDown();
      Cancel.protect(() -> started.await());
      finished.get(x - 1).await(); // cancellable: a crash before it stops this item here
      B y = fn.apply(x);
      trace.add("Finished " + x);
      finished.get(x).resolve(null);
      return y;
    }
  }

  private static boolean isEven(int x) {
    return (x & 1) == 0;
  }

  private static Optional<String> stringEven(int x) {
    return isEven(x) ? Optional.of(Integer.toString(x)) : Optional.empty();
  }

  private static Optional<String> crashOnThree(int x) {
    if (x == 3) {
      throw new IllegalStateException("Simulated error");
    }
    return stringEven(x);
  }

  /** Every item starts (in any order) before the first finishes; they then finish in order. */
  private void assertStartedAllThenFinished(int n, int finished) {
    List<String> starts = new ArrayList<>();
    List<String> finishes = new ArrayList<>();
    for (int x = 1; x <= n; x++) {
      starts.add("Start " + x);
    }
    for (int x = 1; x <= finished; x++) {
      finishes.add("Finished " + x);
    }
    assertEquals(starts, trace.subList(0, n).stream().sorted().toList());
    assertEquals(finishes, trace.subList(n, trace.size()));
  }

  private static final List<Integer> ONE_TO_FOUR = List.of(1, 2, 3, 4);

  /** fiber.md, {@code Fiber.List.filter (process is_even) [1; 2; 3; 4]}. */
  @Test
  void filterKeepsTheAcceptedItemsInOrder() {
    Ordered o = new Ordered(4);
    assertEquals(List.of(2, 4), Fiber.filter(ONE_TO_FOUR, 4, x -> o.process(EioFiberListConformanceTest::isEven, x)));
    assertStartedAllThenFinished(4, 4);
  }

  /** fiber.md, {@code Fiber.List.map (process string_even) [1; 2; 3; 4]}. */
  @Test
  void mapKeepsTheInputOrder() {
    Ordered o = new Ordered(4);
    assertEquals(
        List.of(Optional.empty(), Optional.of("2"), Optional.empty(), Optional.of("4")),
        Fiber.map(ONE_TO_FOUR, 4, x -> o.process(EioFiberListConformanceTest::stringEven, x)));
    assertStartedAllThenFinished(4, 4);
  }

  /** fiber.md, {@code Fiber.List.filter_map}: we have no filter_map; a map, then the present. */
  @Test
  void filterMapIsAMapThenTheValuesPresent() {
    Ordered o = new Ordered(4);
    assertEquals(
        List.of("2", "4"),
        Fiber.map(ONE_TO_FOUR, 4, x -> o.process(EioFiberListConformanceTest::stringEven, x)).stream()
            .flatMap(Optional::stream)
            .toList());
    assertStartedAllThenFinished(4, 4);
  }

  /** fiber.md, "If any fiber raises, everything is cancelled". */
  @Test
  void aCrashCancelsEveryOtherItem() {
    Ordered o = new Ordered(4);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Fiber.map(ONE_TO_FOUR, 4, x -> o.process(EioFiberListConformanceTest::crashOnThree, x)));
    assertEquals("Simulated error", e.getMessage());
    assertStartedAllThenFinished(4, 2);
  }

  /**
   * fiber.md, "The number of concurrent fibers can be limited": the other fiber resolves the
   * promises once the state its yields waited for is reached, so the trace is Eio's (the first
   * two items start in either order).
   */
  @Test
  void maxFibersLimitsHowManyRunAtOnce() {
    List<Promise<String>> ps = List.of(Promise.create(), Promise.create(), Promise.create(), Promise.create());
    List<String> got = new ArrayList<>();
    Fiber.both(
        () -> got.addAll(Fiber.map(List.of(0, 1, 2, 3), 2, i -> awaitItem(ps, i))),
        () -> resolveInEiosOrder(i -> ps.get(i).resolve(List.of("zero", "one", "two", "three").get(i))));
    assertEquals(List.of("zero", "one", "two", "three"), got);
    assertEiosLimitedTrace();
  }

  private String awaitItem(List<Promise<String>> ps, int i) {
    trace.add("Start " + i);
    String y = ps.get(i).await();
    trace.add("Finished " + i);
    return y;
  }

  private interface Finish {
    void finish(int i);
  }

  /** Eio's {@code finish 1; yield; finish 2; yield; yield; finish 0; yield; yield; finish 3}. */
  private void resolveInEiosOrder(Finish f) {
    Waits.until(() -> trace.contains("Start 0") && trace.contains("Start 1"));
    f.finish(1);
    Waits.until(() -> trace.contains("Start 2"));
    f.finish(2);
    Waits.until(() -> trace.contains("Start 3"));
    f.finish(0);
    Waits.until(() -> trace.contains("Finished 0"));
    f.finish(3);
  }

  private void assertEiosLimitedTrace() {
    assertEquals(List.of("Start 0", "Start 1"), trace.subList(0, 2).stream().sorted().toList());
    assertEquals(
        List.of("Finished 1", "Start 2", "Finished 2", "Start 3", "Finished 0", "Finished 3"),
        trace.subList(2, trace.size()));
  }

  /** fiber.md, "Handling exceptions while waiting for a free fiber". */
  @Test
  void aFailureWhileOthersWaitForAFiberEndsTheMap() {
    List<Promise<String>> ps = List.of(Promise.create(), Promise.create());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () -> Fiber.map(List.of(0, 1), 1, i -> awaitItem(ps, i)),
                    () -> {
                      Waits.until(() -> trace.contains("Start 0"));
                      ps.get(0).fail(new IllegalStateException("Simulated error"));
                    }));
    assertEquals("Simulated error", e.getMessage());
    assertEquals(List.of("Start 0"), trace);
  }

  /** fiber.md, "Simple iteration": {@code Fiber.List.iter ~max_fibers:2}. */
  @Test
  void forEachWithMaxFibers() {
    List<Promise<Void>> ps = List.of(Promise.create(), Promise.create(), Promise.create(), Promise.create());
    Fiber.both(
        () ->
            Fiber.forEach(
                List.of(0, 1, 2, 3),
                2,
                i -> {
                  trace.add("Start " + i);
                  ps.get(i).await();
                  trace.add("Finished " + i);
                }),
        () -> resolveInEiosOrder(i -> ps.get(i).resolve(null)));
    assertEiosLimitedTrace();
  }
}
