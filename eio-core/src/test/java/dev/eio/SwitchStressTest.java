package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized trees of nested switches with random failures, daemons, release hooks, protected
 * regions and cancellations, checking after every switch: no fiber of it is still running, every
 * hook ran exactly once, and what {@code run} threw follows the failure rules.
 */
@Timeout(120)
class SwitchStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 1000);

  /** A failure raised on purpose; identity matters, so each is a fresh object. */
  static final class Boom extends RuntimeException {
    Boom(String where) {
      super(where, null, true, false);
    }
  }

  private final AtomicInteger liveFibers = new AtomicInteger();
  private final AtomicInteger switches = new AtomicInteger();

  @Test
  void noFiberOutlivesItsSwitchHooksRunOnceAndFailuresFollowTheRules() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < ITERATIONS; i++) {
      long s = seeds.nextLong();
      try {
        Eio.run(env -> node(new SplittableRandom(s), 0));
      } catch (Boom | Cancelled expected) {
        // the root switch may fail or be cancelled; node() already checked what it threw
      } catch (AssertionError e) {
        throw new AssertionError("iteration " + i + " (iteration seed " + s + ")", e);
      }
      assertEquals(0, liveFibers.get(), "fibers still running after Eio.run returned");
    }
    assertTrue(switches.get() >= ITERATIONS, "ran " + switches.get() + " switches");
  }

  /**
   * Forks racing with a cancellation, at random points: fibers forked from the switch's body and
   * from its fibers, daemons among them, each blocked in eio or in the JDK, while another fiber
   * cancels the switch after a random number of yields. A fork admitted just before the cancel,
   * whose thread has not run yet, is reached like the others (ADR 39). Every task the switch
   * accepted runs and ends by the cancellation, and the switch returns; a lost cancellation would
   * leave a fiber blocked for good (each run is bounded).
   */
  @Test
  void forksRacingWithACancellationAllSeeIt() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < ITERATIONS; i++) {
      long s = seeds.nextLong();
      SplittableRandom rnd = new SplittableRandom(s);
      int yields = rnd.nextInt(40);
      int forks = rnd.nextInt(1, 60);
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger ended = new AtomicInteger();
      Boom boom = new Boom("cancel after " + yields + " yields");
      String where = "iteration " + i + " (iteration seed " + s + ")";
      // Each run bounded on a thread of its own: a switch waiting for its fibers ignores the
      // interrupt a timeout on its own thread would send.
      Throwable thrown =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () -> assertThrows(
              Boom.class,
              () ->
                  Switch.run(
                      sw -> {
                        sw.fork(
                            () -> {
                              for (int y = 0; y < yields; y++) {
                                Fiber.yield();
                              }
                              sw.fail(boom);
                            });
                        for (int f = 0; f < forks; f++) {
                          int kind = rnd.nextInt(Blocking.KINDS + 1);
                          Task t =
                              () -> {
                                ran.incrementAndGet();
                                try {
                                  blockUntilCancelled(kind, sw);
                                } finally {
                                  ended.incrementAndGet();
                                }
                              };
                          if (rnd.nextInt(4) == 0) {
                            sw.forkDaemon(t);
                          } else {
                            sw.fork(t);
                          }
                          if (rnd.nextInt(8) == 0) {
                            Fiber.yield();
                          }
                        }
                      })),
              where + ": a fiber missed the cancellation");
      assertSame(boom, thrown, where);
      assertEquals(ran.get(), ended.get(), where + ": a fiber outlived its switch");
    }
  }

  /** Blocks in one of eio's or the JDK's blocking calls, or forks a fiber that does. */
  private static void blockUntilCancelled(int kind, Switch sw) throws InterruptedException {
    if (kind < Blocking.KINDS) {
      Blocking.untilCancelled(kind);
      return;
    }
    // A fork from a fiber (a virtual forking thread): refused once the switch is cancelled.
    sw.fork(Fiber::awaitCancel);
    Fiber.awaitCancel();
  }

  /** Runs one random switch; returns normally or throws what Switch.run threw. */
  private void node(SplittableRandom rnd, int depth) {
    switches.incrementAndGet();
    Set<Throwable> raised = ConcurrentHashMap.newKeySet();
    List<AtomicInteger> hookRuns = new ArrayList<>();
    List<AtomicInteger> removedHooks = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    int children = rnd.nextInt(1, depth < 3 ? 5 : 3);
    long[] childSeeds = new long[children];
    for (int c = 0; c < children; c++) {
      childSeeds[c] = rnd.nextLong();
    }
    boolean protectedSwitch = rnd.nextInt(10) == 0;
    boolean bodyFails = rnd.nextInt(12) == 0;
    Throwable thrown = null;
    try {
      Switch.Action body =
          sw -> {
            for (int h = rnd.nextInt(3); h > 0; h--) {
              AtomicInteger runs = new AtomicInteger();
              if (rnd.nextInt(4) == 0) {
                removedHooks.add(runs);
                assertTrue(sw.onRelease(runs::incrementAndGet).remove());
              } else {
                hookRuns.add(runs);
                boolean hookFails = rnd.nextInt(15) == 0;
                sw.onRelease(
                    () -> {
                      runs.incrementAndGet();
                      if (hookFails) {
                        Boom b = new Boom("hook at depth " + depth);
                        raised.add(b);
                        throw b;
                      }
                    });
              }
            }
            for (int c = 0; c < children; c++) {
              SplittableRandom childRnd = new SplittableRandom(childSeeds[c]);
              int kind = childRnd.nextInt(depth < 4 ? 8 : 6);
              Task child = () -> child(childRnd, depth, kind, raised, sw);
              Task counted =
                  () -> {
                    liveFibers.incrementAndGet();
                    running.incrementAndGet();
                    try {
                      child.run();
                    } finally {
                      running.decrementAndGet();
                      liveFibers.decrementAndGet();
                    }
                  };
              if (kind == 5) {
                sw.forkDaemon(counted);
              } else {
                sw.fork(counted);
              }
            }
            if (bodyFails) {
              Boom b = new Boom("body at depth " + depth);
              raised.add(b);
              throw b;
            }
          };
      if (protectedSwitch) {
        Switch.runProtected(body);
      } else {
        Switch.run(body);
      }
    } catch (Throwable t) {
      thrown = t;
    }
    assertEquals(0, running.get(), "a fiber of the switch is still running after run returned");
    for (AtomicInteger h : hookRuns) {
      assertEquals(1, h.get(), "a release hook ran " + h.get() + " times");
    }
    for (AtomicInteger h : removedHooks) {
      assertEquals(0, h.get(), "a removed hook ran");
    }
    checkOutcome(thrown, raised);
    if (thrown instanceof RuntimeException r) {
      throw r;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
  }

  private void child(
      SplittableRandom rnd, int depth, int kind, Set<Throwable> raised, Switch sw)
      throws Exception {
    switch (kind) {
      case 0 -> {
        // a short blocking step, then done
        Thread.sleep(rnd.nextInt(2));
      }
      case 1 -> {
        if (rnd.nextInt(3) == 0) {
          Boom b = new Boom("fiber at depth " + depth);
          raised.add(b);
          throw b;
        }
        Fiber.yield();
      }
      case 2 -> {
        // a promise fiber whose failure must not fail the switch
        Promise<Integer> p =
            sw.forkPromise(
                () -> {
                  if (rnd.nextBoolean()) {
                    throw new Boom("in a promise, not the switch");
                  }
                  return 1;
                });
        try {
          p.await();
        } catch (Boom expected) {
          // stays in the promise
        }
      }
      case 3 -> {
        // a protected region that blocks briefly even when cancelled
        Cancel.protect(() -> Thread.sleep(rnd.nextInt(2)));
      }
      case 4 -> {
        // cancel a sub-context part way
        try {
          Cancel.sub(
              ctx ->
                  Switch.run(
                      inner -> {
                        inner.fork(Fiber::awaitCancel);
                        inner.fork(() -> ctx.cancel(new RuntimeException("sub cancelled")));
                      }));
          fail("the cancelled sub-context's switch returned normally");
        } catch (Cancelled expected) {
          // Cancel.sub rethrows the cancellation of its own context
        }
      }
      case 5 -> Fiber.awaitCancel(); // a daemon: cancelled once only daemons remain
      default -> {
        try {
          node(rnd, depth + 1);
        } catch (Boom b) {
          raised.add(b); // a nested switch's failure escapes this fiber
          throw b;
        }
      }
    }
  }

  /** The thrown exception must follow the switch's failure rules for what was raised inside. */
  private static void checkOutcome(Throwable thrown, Set<Throwable> raised) {
    if (raised.isEmpty()) {
      assertTrue(
          thrown == null || thrown instanceof Cancelled,
          "nothing failed, yet run threw " + thrown);
      return;
    }
    assertNotNull(thrown, "a failure was raised but run returned normally: " + raised);
    assertTrue(raised.contains(thrown), "run threw " + thrown + ", not one raised failure");
    List<Throwable> suppressed = List.of(thrown.getSuppressed());
    for (Throwable s : suppressed) {
      assertFalse(s instanceof Cancelled, "a Cancelled was kept beside a real failure");
    }
    // A failure rethrown from a nested switch may carry that switch's suppressed ones too, so
    // check inclusion, by identity.
    for (Throwable r : raised) {
      if (r != thrown) {
        assertTrue(
            suppressed.stream().anyMatch(s -> s == r),
            "later failure " + r + " is not attached to " + thrown);
      }
    }
  }
}
