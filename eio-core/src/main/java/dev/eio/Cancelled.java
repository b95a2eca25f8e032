package dev.eio;

/**
 * Thrown by a blocking operation when the fiber's cancellation context has been cancelled.
 *
 * <p>Every blocking operation of eio throws {@code Cancelled} instead of {@link
 * InterruptedException}; an {@code InterruptedException} raised by JDK code inside a fiber counts
 * as cancellation too. The {@link #reason() reason} is why the context was cancelled: the
 * exception that failed the switch, a timeout, or an explicit {@link Cancel.Context#cancel}.
 *
 * <p>Catching {@code Cancelled} and carrying on is almost always a bug: the context stays
 * cancelled, so the next blocking operation throws again. Clean up and rethrow, or use {@link
 * Cancel#protect} for clean-up that must block.
 */
public class Cancelled extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Throwable reason;

  /** Creates a {@code Cancelled} carrying {@code reason} (may be {@code null}). */
  public Cancelled(Throwable reason) {
    super(reason == null ? "cancelled" : "cancelled: " + reason, reason);
    this.reason = reason;
  }

  /** Creates a {@code Cancelled} with a message and no underlying reason. */
  public Cancelled(String message) {
    super(message);
    this.reason = null;
  }

  /** Why the context was cancelled, or {@code null} when no reason was given. */
  public Throwable reason() {
    return reason;
  }
}
