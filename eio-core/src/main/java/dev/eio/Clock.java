package dev.eio;

import java.time.Duration;
import java.time.Instant;

/**
 * A source of time for fibers: the wall-clock {@link #now}, a monotonic {@link #nanoTime}
 * reading, and cancellable sleeps. Get one from {@link Env#clock()}; tests run the same code
 * with a {@link VirtualClock}.
 *
 * <p><b>Guarantees.</b> {@link #sleep} and {@link #sleepUntil} are blocking operations like any
 * other: a cancelled sleeper throws {@link Cancelled}. A sleep of zero or a negative duration, or
 * until an instant already past, returns at once (after checking for cancellation). {@link
 * #nanoTime} never goes backwards; {@link #now} may (the system clock can be set back).
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   Clock clock = env.clock();
 *   long t0 = clock.nanoTime();
 *   clock.sleep(Duration.ofMillis(100));
 *   System.out.println("slept " + (clock.nanoTime() - t0) / 1_000_000 + " ms at " + clock.now());
 * });
 * }</pre>
 */
public interface Clock {
  /** The current wall-clock time. */
  Instant now();

  /**
   * A monotonic reading in nanoseconds, meaningful only as a difference between two readings of
   * the same clock (like {@link System#nanoTime()}).
   */
  long nanoTime();

  /**
   * Blocks the calling fiber for {@code duration}, measured on the monotonic time.
   *
   * @throws Cancelled when the fiber is cancelled before the time is up
   */
  void sleep(Duration duration);

  /**
   * Blocks the calling fiber until the wall-clock time reaches {@code deadline}.
   *
   * @throws Cancelled when the fiber is cancelled before then
   */
  void sleepUntil(Instant deadline);
}
