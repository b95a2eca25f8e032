package dev.eio.net;

/**
 * How {@link Net#listen} sets up a listening socket: the accept {@code backlog}, and whether the
 * address (and, for TCP, the port) may be reused.
 *
 * <p><b>Guarantees.</b> Immutable; the {@code with...} methods return a copy. {@code
 * reuseAddress} sets {@code SO_REUSEADDR} for TCP (a restarted server can bind while old
 * connections linger in TIME_WAIT); for a Unix domain socket it removes a stale socket file left
 * at the path (only a socket file, never a regular file). {@code reusePort} sets {@code
 * SO_REUSEPORT} (several listeners share one port; TCP only, where the platform supports it).
 *
 * <pre>{@code
 * Listener l = net.listen(sw, new InetSocketAddress("127.0.0.1", 0),
 *     ListenOptions.defaults().withBacklog(1024).withReuseAddress(true));
 * }</pre>
 *
 * @param backlog the most connections the kernel queues before {@code accept} takes them; 0
 *     lets the platform choose
 * @param reuseAddress see above
 * @param reusePort see above
 */
public record ListenOptions(int backlog, boolean reuseAddress, boolean reusePort) {
  /** Checks the arguments. */
  public ListenOptions {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
    }
  }

  /** Backlog chosen by the platform, no address or port reuse. */
  public static ListenOptions defaults() {
    return new ListenOptions(0, false, false);
  }

  /** A copy with {@code backlog}. */
  public ListenOptions withBacklog(int backlog) {
    return new ListenOptions(backlog, reuseAddress, reusePort);
  }

  /** A copy with {@code reuseAddress}. */
  public ListenOptions withReuseAddress(boolean reuseAddress) {
    return new ListenOptions(backlog, reuseAddress, reusePort);
  }

  /** A copy with {@code reusePort}. */
  public ListenOptions withReusePort(boolean reusePort) {
    return new ListenOptions(backlog, reuseAddress, reusePort);
  }
}
