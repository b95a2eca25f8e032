package dev.eio.actor;

/**
 * The failure of an actor stopped because an actor linked to it stopped abnormally; its {@link
 * #getCause() cause} is the linked actor's failure (or cancellation reason).
 */
public final class ActorExitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ActorRef<?> from;
  private final transient ExitReason reason;

  /** An exit caused by {@code from} stopping with {@code reason}. */
  public ActorExitException(String message, ActorRef<?> from, ExitReason reason) {
    super(message, cause(reason));
    this.from = from;
    this.reason = reason;
  }

  private static Throwable cause(ExitReason reason) {
    return switch (reason) {
      case ExitReason.Failed f -> f.failure();
      case ExitReason.Cancelled c -> c.reason();
      case ExitReason.Normal n -> null;
      case ExitReason.MemberGone g -> null;
    };
  }

  /** The linked actor whose stop caused this one. */
  public ActorRef<?> from() {
    return from;
  }

  /** Why the linked actor stopped. */
  public ExitReason reason() {
    return reason;
  }
}
