package dev.eio;

import dev.eio.internal.SystemClock;

/**
 * The capabilities handed to the program by {@link Eio#run}: code that was not given a
 * capability cannot use that kind of effect, and tests pass in substitutes.
 *
 * <p>{@link #clock()} is the system clock under {@link Eio#run}, a {@link VirtualClock} under
 * {@link VirtualClock#run}.
 *
 * <pre>{@code
 * Eio.run(env -> Time.withTimeout(env.clock(), Duration.ofSeconds(1), () -> work()));
 * }</pre>
 */
public final class Env {
  private final Clock clock;

  Env() {
    this(SystemClock.INSTANCE);
  }

  Env(Clock clock) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    this.clock = clock;
  }

  /** The clock: wall-clock and monotonic time, cancellable sleeps. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "Env[clock=" + clock + "]";
  }
}
