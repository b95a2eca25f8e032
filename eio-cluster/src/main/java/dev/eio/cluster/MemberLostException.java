package dev.eio.cluster;

/**
 * The member running a task left the cluster (killed, crashed, disconnected) before the task's
 * outcome came back. Whether the task ran, partly or fully, is unknown; its result was not used.
 * Declare work retryable ({@code Cluster.where(RetryPolicy)}, or {@code Parallel.compute}'s
 * {@code RetryPolicy}) to run it again on another member.
 */
public final class MemberLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String member;

  /** A loss of {@code member} ({@code host:port} and uuid), caused by Hazelcast's {@code cause}. */
  public MemberLostException(String member, Throwable cause) {
    super("cluster member " + member + " was lost while running a task: " + cause, cause);
    this.member = member;
  }

  /** The lost member, {@code host:port} and its uuid. */
  public String member() {
    return member;
  }
}
