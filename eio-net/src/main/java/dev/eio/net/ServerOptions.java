package dev.eio.net;

import dev.eio.Promise;
import java.util.function.Consumer;

/**
 * How {@link Net#runServer} serves: at most {@code maxConnections} at once, a {@code stop}
 * promise for graceful shutdown, where handler failures go, and how many accept loops run.
 *
 * <p><b>Guarantees.</b> Immutable; the {@code with...} methods return a copy. {@code
 * maxConnections} of 0 means no limit. With {@code onError} {@code null} (the default), a
 * handler's failure fails the server; {@link dev.eio.Cancelled} is never reported. {@code stop}
 * {@code null} means the server runs until its caller is cancelled.
 *
 * <pre>{@code
 * Promise<Void> stop = Promise.create();
 * ServerOptions opts = ServerOptions.defaults()
 *     .withMaxConnections(1000)
 *     .withStop(stop)
 *     .withOnError(e -> log.warn("connection failed", e))
 *     .withAcceptLoops(2);
 * }</pre>
 *
 * @param maxConnections the most connections served at once (0: no limit); further clients wait
 *     in the listen backlog
 * @param stop when resolved, the server stops accepting and closes the listener (new clients
 *     are refused), lets live connections finish, and {@code runServer} returns
 * @param onError receives each handler's failure (not cancellations)
 * @param acceptLoops how many fibers accept concurrently (at least 1)
 */
public record ServerOptions(
    int maxConnections, Promise<Void> stop, Consumer<? super Throwable> onError, int acceptLoops) {
  /** Checks the arguments. */
  public ServerOptions {
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maxConnections must be >= 0, got " + maxConnections);
    }
    if (acceptLoops < 1) {
      throw new IllegalArgumentException("acceptLoops must be >= 1, got " + acceptLoops);
    }
  }

  /** No connection limit, no stop promise, failures fail the server, one accept loop. */
  public static ServerOptions defaults() {
    return new ServerOptions(0, null, null, 1);
  }

  /** A copy with {@code maxConnections} (0: no limit). */
  public ServerOptions withMaxConnections(int maxConnections) {
    return new ServerOptions(maxConnections, stop, onError, acceptLoops);
  }

  /** A copy with the {@code stop} promise. */
  public ServerOptions withStop(Promise<Void> stop) {
    return new ServerOptions(maxConnections, stop, onError, acceptLoops);
  }

  /** A copy with the {@code onError} handler. */
  public ServerOptions withOnError(Consumer<? super Throwable> onError) {
    return new ServerOptions(maxConnections, stop, onError, acceptLoops);
  }

  /** A copy with {@code acceptLoops} accept fibers. */
  public ServerOptions withAcceptLoops(int acceptLoops) {
    return new ServerOptions(maxConnections, stop, onError, acceptLoops);
  }
}
