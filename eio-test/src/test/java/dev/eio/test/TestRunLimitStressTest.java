package dev.eio.test;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The real-time limit racing the test's own end: runs whose body takes about as long as their
 * limit. Each run either passes or fails with the limit's message, and the watchdog's interrupt
 * never outlives its run (it would cancel the next test at once). Raise the number of runs with
 * {@code -Deio.stress.iterations=N}.
 */
class TestRunLimitStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 200);

  @Test
  void aLimitReachedAsTheTestEndsNeverLeaksItsInterrupt() throws Throwable {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    int limited;
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream())); // the dumps of the runs
    try {
      limited = runAll(r, seed);
    } finally {
      System.setErr(err);
    }
    System.out.println(
        "limit stress: " + (ITERATIONS - limited) + " passed, " + limited + " over their limit");
  }

  private static int runAll(Random r, long seed) throws Throwable {
    int passed = 0;
    int limited = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      Duration limit = Duration.ofMillis(1 + r.nextInt(4));
      long work = r.nextInt(4_000_000);
      TestRun run = new TestRun("run " + i, r.nextBoolean(), limit);
      try {
        run.run(
            (env, sw) -> {
              long end = System.nanoTime() + work;
              while (System.nanoTime() < end) {
                sw.check(); // the limit's cancellation reaches a busy body here
                Thread.onSpinWait();
              }
            });
        passed++;
      } catch (AssertionFailedError e) {
        assertTrue(e.getMessage().contains("still ran after its limit of " + limit), e.getMessage());
        limited++;
      }
      assertFalse(Thread.currentThread().isInterrupted(), "run " + i + ", seed " + seed);
    }
    assertEquals(ITERATIONS, passed + limited);
    return limited;
  }
}
