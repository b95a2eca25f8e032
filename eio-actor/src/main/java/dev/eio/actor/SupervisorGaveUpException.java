package dev.eio.actor;

/**
 * The failure a {@link Supervisor} fails its switch with when its children failed more often
 * than its restart limit allows; the {@link #getCause() cause} is the last child's failure.
 */
public final class SupervisorGaveUpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A give-up message and the last failure. */
  public SupervisorGaveUpException(String message, Throwable lastFailure) {
    super(message, lastFailure);
  }
}
