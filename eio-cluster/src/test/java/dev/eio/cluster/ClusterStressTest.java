package dev.eio.cluster;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.Parallel;
import dev.eio.workers.SerializationCodec;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized cancellation on three in-JVM members: a {@code Parallel.map} of sleeping items is
 * cancelled at a random moment; when the call is back, every remote range that started has
 * stopped, and an uncancelled map still returns every result in order. Raise the rounds with
 * {@code -Deio.stress.iterations=N}; a failure prints the seed. Checked against a caller that returned
 * without waiting for the member's stop (the AwaitStop step skipped): it failed in round 11 of 15,
 * "remote work still running", so the default is 30 rounds.
 */
@Timeout(300)
class ClusterStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 30);
  static final AtomicInteger running = new AtomicInteger();
  static SharedCluster shared;

  @BeforeAll
  static void startCluster() throws Exception {
    shared =
        new SharedCluster(
            "cluster-stress",
            3,
            ClusterConfig.local("x").withCodec(SerializationCodec.defaults().allowing(ClusterStressTest.class)));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (shared != null) {
      shared.close();
    }
  }

  static int sleepy(int x, int millis) {
    running.incrementAndGet();
    try {
      Thread.sleep(millis);
      return x;
    } catch (InterruptedException e) {
      // Clean-up that takes a moment: the caller must still be waiting when it ends.
      long end = System.nanoTime() + 20_000_000L;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      throw new Cancelled(e);
    } finally {
      running.decrementAndGet();
    }
  }

  @Test
  void aMapCancelledAtARandomMomentLeavesNoRemoteWorkRunning() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < ITERATIONS; round++) {
      Cluster caller = shared.members.get(random.nextInt(3));
      int n = 1 + random.nextInt(60);
      int millis = 1 + random.nextInt(30);
      int cancelAfter = random.nextInt(80);
      boolean cancel = random.nextInt(4) != 0;
      List<Integer> items = IntStream.range(0, n).boxed().toList();
      String where = "seed " + seed + " round " + round + " n " + n + " cancel after " + cancelAfter;
      Eio.run(
          env -> {
            if (!cancel) {
              assertEquals(items, Parallel.map(caller.where(), items, x -> sleepy(x, millis)), where);
              return;
            }
            try {
              Switch.run(
                  sw -> {
                    sw.fork(() -> Parallel.map(caller.where(), items, x -> sleepy(x, millis)));
                    env.clock().sleep(Duration.ofMillis(cancelAfter));
                    throw new IllegalStateException("cancel");
                  });
              fail("the switch should have failed: " + where);
            } catch (IllegalStateException expected) {
              assertEquals("cancel", expected.getMessage(), where);
            }
          });
      assertEquals(0, running.get(), "remote work still running after the call returned: " + where);
    }
  }
}
