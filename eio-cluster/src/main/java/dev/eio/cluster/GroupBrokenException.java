package dev.eio.cluster;

/**
 * Thrown by a {@link ClusterGroup} operation that can no longer complete because of another rank:
 * that rank was cancelled, failed or lost its member (the group is broken: every pending and later
 * operation of every rank throws), or it left the group and the operation needed more from it.
 * {@link #rank()} names the rank; the message says what happened to it.
 *
 * <pre>{@code
 * try {
 *   total = group.allReduce(part, Long::sum);
 * } catch (GroupBrokenException e) {
 *   log.warn("rank {} is gone: {}", e.rank(), e.getMessage());
 * }
 * }</pre>
 */
public class GroupBrokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int rank;

  /** Creates the exception for group {@code group}, caused by rank {@code rank}. */
  public GroupBrokenException(String group, int rank, String what) {
    super("group '" + group + "': " + what);
    this.rank = rank;
  }

  /** The rank whose cancellation, failure, loss or departure caused this. */
  public int rank() {
    return rank;
  }
}
