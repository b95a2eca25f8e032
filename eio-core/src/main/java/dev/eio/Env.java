package dev.eio;

import dev.eio.parallel.DomainManager;

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
  private final DomainManager domains;

  Env(Clock clock, DomainManager domains) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    if (domains == null) {
      throw new NullPointerException("domains");
    }
    this.clock = clock;
    this.domains = domains;
  }

  /** The clock: wall-clock and monotonic time, cancellable sleeps. */
  public Clock clock() {
    return clock;
  }

  /**
   * The run's domain manager: one domain per available processor, shut down when the run ends.
   * Run CPU-heavy sections there so they never hold up the fibers doing I/O.
   */
  public DomainManager domains() {
    return domains;
  }

  @Override
  public String toString() {
    return "Env[clock=" + clock + "]";
  }
}
