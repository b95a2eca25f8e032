package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many submissions to a small pool at once, some failing, some cancelled at a random moment and
 * a few crashing their worker: each caller gets its own outcome, exactly once, and the pool keeps
 * serving. Raise {@code -Deio.stress.iterations} for a longer run.
 */
@Timeout(30)
class WorkersStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 60);

  private sealed interface Outcome {}

  private record Value(int v) implements Outcome {}

  private record Failed(String message) implements Outcome {}

  private record CancelledOutcome() implements Outcome {}

  private record Crashed(int status) implements Outcome {}

  private record Lost() implements Outcome {}

  @Test
  void everySubmissionGetsItsOwnOutcomeExactlyOnceDespiteCancelsAndCrashes() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    int[] kinds = new int[ITERATIONS];
    int[] yields = new int[ITERATIONS];
    int crashes = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      int k = rnd.nextInt(10);
      // At most two crashes per run: each costs a JVM start.
      if (k == 9 && crashes++ >= 2) {
        k = 0;
      }
      kinds[i] = k;
      yields[i] = rnd.nextInt(50);
    }
    AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(ITERATIONS);
    java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(ITERATIONS);
    Promise<Void> allDone = Promise.create();
    List<Long> pids = new ArrayList<>();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 2, 4, null);
                  pids.addAll(pool.pids());
                  for (int i = 0; i < ITERATIONS; i++) {
                    int n = i;
                    int kind = kinds[i];
                    int y = yields[i];
                    sw.fork(
                        () -> {
                          Outcome o = attempt(pool, n, kind, y);
                          if (!outcomes.compareAndSet(n, null, o)) {
                            fail("submission " + n + " got two outcomes");
                          }
                          if (pending.decrementAndGet() == 0) {
                            allDone.resolve(null);
                          }
                        });
                  }
                  sw.fork(
                      () -> {
                        // Wait for every submission, then check the pool still serves. Waiting,
                        // not polling with Fiber.yield: with a single carrier the JDK runs a
                        // yielding fiber again ahead of fibers a platform thread woke (the worker
                        // replies), which then never ran (see Fiber.yield).
                        allDone.await();
                        assertTrue(allSet(outcomes));
                        assertEquals(11, pool.submit(() -> 11));
                        pids.addAll(pool.pids());
                      });
                }));
    for (int i = 0; i < ITERATIONS; i++) {
      Outcome o = outcomes.get(i);
      String where = "submission " + i + " (kind " + kinds[i] + ", seed " + seed + "): " + o;
      switch (kinds[i]) {
        case 0, 1, 2, 3, 4 -> assertEquals(new Value(i * 3), o, where);
        case 5, 6 -> assertEquals(new Failed("no " + i), o, where);
        case 7, 8 ->
            assertTrue(o.equals(new Value(i * 3)) || o instanceof CancelledOutcome, where);
        default -> assertEquals(new Crashed(77), o, where);
      }
    }
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    }
  }

  private static boolean allSet(AtomicReferenceArray<Outcome> a) {
    for (int i = 0; i < a.length(); i++) {
      if (a.get(i) == null) {
        return false;
      }
    }
    return true;
  }

  private static Outcome attempt(WorkerPool pool, int n, int kind, int yields) {
    try {
      return switch (kind) {
        case 0, 1, 2, 3, 4 -> new Value(pool.submit(() -> n * 3));
        case 5, 6 ->
            new Value(
                pool.submit(
                    () -> {
                      throw new IllegalArgumentException("no " + n);
                    }));
        case 7, 8 ->
            Fiber.first(
                () ->
                    new Value(
                        pool.submit(
                            () -> {
                              Thread.sleep(n % 5);
                              return n * 3;
                            })),
                () -> {
                  for (int i = 0; i < yields; i++) {
                    Fiber.yield();
                  }
                  return new CancelledOutcome();
                });
        default ->
            new Value(
                pool.submit(
                    () -> {
                      System.exit(77);
                      return -1;
                    }));
      };
    } catch (IllegalArgumentException e) {
      return new Failed(e.getMessage());
    } catch (WorkerCrashedException e) {
      return new Crashed(e.exitStatus().orElse(-1));
    } catch (Cancelled e) {
      return new Lost();
    }
  }
}
