package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;


@org.junit.jupiter.api.Timeout(30) // qualified: dev.eio.Timeout is the exception under test
class TimeTest {
  static final Duration HOUR = Duration.ofHours(1);

  @Test
  void envHandsOutTheSystemClock() {
    Eio.run(
        env -> {
          Clock c = env.clock();
          Instant before = Instant.now();
          long t0 = c.nanoTime();
          c.sleep(Duration.ofMillis(1));
          assertTrue(c.nanoTime() - t0 >= 1_000_000, "monotonic time covers the sleep");
          assertFalse(c.now().isBefore(before));
        });
  }

  @Test
  void aSystemSleepIsCancellable() {
    RuntimeException why = new RuntimeException("stop");
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Eio.run(
                    env ->
                        Switch.run(
                            sw -> {
                              sw.fork(() -> env.clock().sleep(Duration.ofDays(1)));
                              sw.fail(new Cancelled(why));
                            })));
    assertSame(why, c.reason());
  }

  @Test
  void sleepingUntilAPastInstantReturnsAtOnce() {
    Eio.run(env -> env.clock().sleepUntil(Instant.now().minusSeconds(10)));
  }

  @Test
  void withTimeoutReturnsTheBodysValueWhenItFinishesInTime() {
    Eio.run(
        env -> {
          assertEquals(Optional.of("v"), Time.withTimeout(env.clock(), HOUR, () -> "v"));
          assertEquals("w", Time.withTimeoutOrThrow(env.clock(), HOUR, () -> "w"));
          assertTrue(Time.withTimeout(env.clock(), HOUR, () -> {}));
        });
  }

  @Test
  void withTimeoutCancelsTheBodyAndRunsItsReleaseHooksBeforeReturning() {
    List<String> events = new CopyOnWriteArrayList<>();
    VirtualClock.run(
        env -> {
          Optional<String> r =
              Time.withTimeout(
                  env.clock(),
                  HOUR,
                  () ->
                      Switch.call(
                          sw -> {
                            sw.onRelease(() -> events.add("released"));
                            sw.fork(
                                () -> {
                                  try {
                                    Fiber.awaitCancel();
                                  } finally {
                                    events.add("fiber ended");
                                  }
                                });
                            env.clock().sleep(HOUR.multipliedBy(2));
                            return "late";
                          }));
          events.add("returned");
          assertEquals(Optional.empty(), r);
          assertEquals(Instant.EPOCH.plus(HOUR), env.clock().now());
        });
    assertEquals(List.of("fiber ended", "released", "returned"), events);
  }

  @Test
  void withTimeoutOrThrowThrowsTimeoutOnceTheBodyHasEnded() {
    AtomicBoolean bodyEnded = new AtomicBoolean();
    VirtualClock.run(
        env -> {
          Timeout t =
              assertThrows(
                  Timeout.class,
                  () ->
                      Time.withTimeoutOrThrow(
                          env.clock(),
                          Duration.ofMinutes(5),
                          () -> {
                            try {
                              env.clock().sleep(HOUR);
                            } finally {
                              bodyEnded.set(true);
                            }
                          }));
          assertTrue(bodyEnded.get());
          assertEquals(Duration.ofMinutes(5), t.duration());
          assertEquals("timed out after PT5M", t.getMessage());
        });
  }

  @Test
  void aBodyThatFinishesFirstStopsTheTimer() {
    VirtualClock.run(
        env -> {
          assertEquals(
              Optional.of(1),
              Time.withTimeout(
                  env.clock(),
                  HOUR,
                  () -> {
                    env.clock().sleep(Duration.ofMinutes(1));
                    return 1;
                  }));
          assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(1)), env.clock().now());
        });
  }

  @Test
  void theBodysFailureIsRethrownAsTheSameObject() {
    IllegalStateException boom = new IllegalStateException();
    Eio.run(
        env ->
            assertSame(
                boom,
                assertThrows(
                    IllegalStateException.class,
                    () ->
                        Time.withTimeout(
                            env.clock(),
                            HOUR,
                            () -> {
                              throw boom;
                            }))));
  }

  @Test
  void aCancellationOfTheCallerIsNotATimeout() {
    RuntimeException why = new RuntimeException("caller stops");
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Eio.run(
                    env ->
                        Cancel.sub(
                            ctx ->
                                Time.withTimeout(
                                    env.clock(),
                                    HOUR,
                                    () -> {
                                      ctx.cancel(why);
                                      Fiber.awaitCancel();
                                    }))));
    assertSame(why, c.reason());
  }

  @Test
  void aNegativeTimeoutIsAnErrorNamingTheArgument() {
    Eio.run(
        env -> {
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class,
                  () -> Time.withTimeout(env.clock(), Duration.ofSeconds(-1), () -> 1));
          assertEquals("timeout must be >= 0, got PT-1S", e.getMessage());
        });
  }
}
