package dev.eio.actor;

/**
 * Why an actor stopped: it returned ({@link Normal}), it threw ({@link Failed}), it was
 * cancelled ({@link Cancelled}: its switch ended or was cancelled), or, for an actor on another
 * cluster member, that member is gone ({@link MemberGone}).
 *
 * <p>The set of reasons is sealed so a {@code switch} over them is checked by the compiler. It is
 * meant to grow: code that must keep compiling across versions should have a {@code default}
 * branch.
 *
 * <pre>{@code
 * switch (down.reason()) {
 *   case ExitReason.Normal n -> log("done");
 *   case ExitReason.Failed f -> log("crashed: " + f.failure());
 *   case ExitReason.Cancelled c -> log("stopped with its switch");
 *   case ExitReason.MemberGone g -> log("its member left: " + g.member());
 * }
 * }</pre>
 */
public sealed interface ExitReason {
  /** The normal reason: the actor's behaviour returned. */
  ExitReason NORMAL = new Normal();

  /** Whether this is a normal stop (which does not spread over links). */
  default boolean isNormal() {
    return this instanceof Normal;
  }

  /** The behaviour returned. */
  record Normal() implements ExitReason {}

  /**
   * The behaviour threw {@code failure}, or the actor was stopped because an actor linked to it
   * stopped abnormally ({@code failure} is then an {@link ActorExitException}).
   */
  record Failed(Throwable failure) implements ExitReason {
    /** Checks the failure is present. */
    public Failed {
      if (failure == null) {
        throw new NullPointerException("failure");
      }
    }
  }

  /**
   * The actor was cancelled: its switch ended or was cancelled, or its supervisor gave up;
   * {@code reason} is the cancellation's reason (may be {@code null}).
   */
  record Cancelled(Throwable reason) implements ExitReason {}

  /**
   * The actor ran on a cluster member that died or left the cluster (or whose connection was
   * lost for good): its real end is unknown. Only references to actors on other members report
   * it; {@code member} names the member ({@code host:port (uuid)}).
   */
  record MemberGone(String member) implements ExitReason {
    /** Checks the member is named. */
    public MemberGone {
      if (member == null) {
        throw new NullPointerException("member");
      }
    }
  }
}
