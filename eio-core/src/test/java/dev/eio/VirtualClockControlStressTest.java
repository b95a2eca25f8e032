package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized runs of {@link VirtualClock#advance}: fibers sleep random chains of virtual delays
 * and do some work (yields, a hand-off through a channel) at each instant; the test advances by
 * random steps and checks after each that every fiber has done exactly the steps due by then:
 * none missing ({@code advance} returned before the work at the new time was done) and none
 * ahead (time overshot). Raise the number of runs with {@code -Deio.stress.iterations=N}.
 */
@Timeout(120)
class VirtualClockControlStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 15);

  @Test
  void afterEachAdvanceExactlyTheDueStepsHaveRun() {
    long seed0 = System.nanoTime();
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = seed0 + it;
      Random r = new Random(seed);
      int fibers = 3 + r.nextInt(20);
      long[][] deadlines = new long[fibers][]; // cumulative, in seconds
      for (int i = 0; i < fibers; i++) {
        deadlines[i] = new long[1 + r.nextInt(4)];
        long t = 0;
        for (int k = 0; k < deadlines[i].length; k++) {
          t += r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(60); // some steps at the same instant
          deadlines[i][k] = t;
        }
      }
      AtomicIntegerArray done = new AtomicIntegerArray(fibers);
      VirtualClock.run(
          env -> {
            VirtualClock clock = (VirtualClock) env.clock();
            Channel<Integer> relay = Channel.create(0);
            Switch.run(
                sw -> {
                  sw.forkDaemon(
                      () -> {
                        while (true) {
                          relay.receive(); // a hand-off partner at every instant
                        }
                      });
                  for (int i = 0; i < fibers; i++) {
                    int me = i;
                    int yields = r.nextInt(5);
                    sw.fork(
                        () -> {
                          long at = 0;
                          for (long d : deadlines[me]) {
                            clock.sleep(Duration.ofSeconds(d - at));
                            at = d;
                            for (int y = 0; y < yields; y++) {
                              Fiber.yield();
                            }
                            relay.send(me);
                            done.incrementAndGet(me);
                          }
                        });
                  }
                  long now = 0;
                  long end = 0;
                  for (long[] ds : deadlines) {
                    end = Math.max(end, ds[ds.length - 1]);
                  }
                  while (now <= end) {
                    long step = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(40);
                    clock.advance(Duration.ofSeconds(step));
                    now += step;
                    assertEquals(now, clock.nanoTime() / 1_000_000_000L, "seed " + seed);
                    for (int i = 0; i < fibers; i++) {
                      int due = 0;
                      for (long d : deadlines[i]) {
                        due += d <= now ? 1 : 0;
                      }
                      assertEquals(
                          due, done.get(i), "fiber " + i + " at " + now + " s, seed " + seed);
                    }
                    if (step == 0 && now == end) {
                      now++; // ends the loop once everything due at the end has been checked
                    }
                  }
                });
          });
    }
  }
}
