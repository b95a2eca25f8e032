package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VirtualClock#advance} and {@link VirtualClock#runUntilIdle}: a test steering time. */
@Timeout(60)
class VirtualClockControlTest {
  static final Instant T0 = Instant.EPOCH;

  @Test
  void advanceStopsAtEachInstantTheTestAsksFor() {
    VirtualClock.run(
        env -> {
          VirtualClock clock = (VirtualClock) env.clock();
          AtomicInteger ticks = new AtomicInteger();
          Switch.run(
              sw -> {
                sw.forkDaemon(
                    () -> {
                      while (true) {
                        clock.sleep(Duration.ofSeconds(10));
                        ticks.incrementAndGet();
                      }
                    });
                clock.advance(Duration.ofSeconds(25));
                assertEquals(2, ticks.get());
                assertEquals(T0.plusSeconds(25), clock.now());
                clock.advance(Duration.ofSeconds(5)); // the tick due at 30 s has run on return
                assertEquals(3, ticks.get());
                assertEquals(T0.plusSeconds(30), clock.now());
                clock.advance(Duration.ZERO);
                assertEquals(3, ticks.get());
              });
        });
  }

  @Test
  void runUntilIdleRunsWhatIsReadyWithoutMovingTime() {
    VirtualClock.run(
        env -> {
          VirtualClock clock = (VirtualClock) env.clock();
          Switch.run(
              sw -> {
                // A chain of fibers, each waiting for the one before: the last runs only after
                // every other has had its turn.
                Promise<Integer> prev = Promise.create();
                Promise<Integer> first = prev;
                for (int i = 0; i < 50; i++) {
                  Promise<Integer> in = prev;
                  prev = sw.forkPromise(() -> in.await() + 1);
                }
                Promise<Integer> last = prev;
                Promise<Void> sleeper =
                    sw.forkPromise(
                        () -> {
                          clock.sleep(Duration.ofHours(1));
                          return null;
                        });
                first.resolve(0);
                clock.runUntilIdle();
                assertEquals(50, last.peek().orElseThrow()); // resolved, idle reached
                assertFalse(sleeper.isResolved(), "time jumped before the idle waiter was told");
                assertEquals(T0, clock.now());
                sleeper.await(); // now time jumps
                assertEquals(T0.plus(Duration.ofHours(1)), clock.now());
              });
        });
  }

  @Test
  void runUntilIdleIsCancellable() {
    AtomicBoolean stop = new AtomicBoolean();
    String winner =
        VirtualClock.call(
            env -> {
              VirtualClock clock = (VirtualClock) env.clock();
              return Switch.call(
                  sw -> {
                    // A busy fiber: the run is never idle while it spins.
                    sw.fork(
                        () -> {
                          while (!stop.get()) {
                            Thread.onSpinWait();
                          }
                        });
                    try {
                      return Fiber.first(
                          () -> {
                            clock.runUntilIdle();
                            return "idle";
                          },
                          () -> {
                            Thread.sleep(50); // real time: lets the other one start waiting
                            return "other";
                          });
                    } finally {
                      stop.set(true);
                    }
                  });
            });
    assertEquals("other", winner);
  }

  @Test
  void advanceRefusesANegativeDuration() {
    VirtualClock.run(
        env -> {
          VirtualClock clock = (VirtualClock) env.clock();
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
          assertTrue(e.getMessage().contains("PT-1S"), e.getMessage());
          assertThrows(NullPointerException.class, () -> clock.advance(null));
        });
  }
}
