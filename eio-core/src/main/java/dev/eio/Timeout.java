package dev.eio;

import java.time.Duration;

/**
 * Thrown by {@link Time#withTimeoutOrThrow} when the body did not finish in time; the body has
 * been cancelled and has ended when it is thrown.
 *
 * <pre>{@code
 * try {
 *   Time.withTimeoutOrThrow(env.clock(), Duration.ofSeconds(5), () -> fetch(url));
 * } catch (Timeout t) {
 *   log.warn("gave up after " + t.duration());
 * }
 * }</pre>
 */
public class Timeout extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration duration;

  /** A timeout after {@code duration}. */
  public Timeout(Duration duration) {
    super("timed out after " + duration);
    this.duration = duration;
  }

  /** How long the body was given. */
  public Duration duration() {
    return duration;
  }
}
