package dev.eio.net;

import dev.eio.Promise;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How {@link Net#runServer} serves: how many connections at once and how long one may keep its
 * slot while others wait, how long a read or a write may wait for the peer, where handler
 * failures go, a {@code stop} promise for graceful shutdown, and how many accept loops run.
 *
 * <p><b>Guarantees.</b> Immutable; the {@code with...} methods return a copy. The defaults keep a
 * server safe against clients that stall or misbehave (ADR 23):
 *
 * <ul>
 *   <li>{@code readTimeout} {@value #DEFAULT_READ_TIMEOUT_SECONDS} s: a read of a served
 *       connection that receives no byte for that long fails with a {@link PeerIOException}
 *       caused by a {@link java.net.SocketTimeoutException}, and the connection is closed.
 *   <li>{@code writeTimeout} {@value #DEFAULT_WRITE_TIMEOUT_SECONDS} s: a write that the peer
 *       lets make no progress for that long (it does not read) fails the same way.
 *   <li>{@code slotLease} {@value #DEFAULT_SLOT_LEASE_SECONDS} s (fair admission, only with a
 *       {@code maxConnections} limit): when every slot is taken and a client is waiting, the
 *       connection that has held its slot longest, once it has held it for {@code slotLease}, is
 *       cancelled to make room. A waiting client is therefore admitted within about {@code
 *       slotLease}, however slowly the connections holding the slots send.
 *   <li>A handler's failure ends its connection only: it goes to {@code onError}, or with none is
 *       logged through {@link System.Logger} ({@code dev.eio.net.Net}: the peer's I/O failures
 *       and end of input at {@code DEBUG}, other failures at {@code WARNING}), and the server
 *       keeps serving. {@code stopOnError} (off by default) makes the first failure that is not
 *       the peer's stop the server, which rethrows it (Eio's {@code ~on_error:raise}).
 * </ul>
 *
 * <p>{@link Duration#ZERO} turns a time limit off. {@code maxConnections} of 0 means no limit.
 * {@link dev.eio.Cancelled} is never reported. {@code stop} {@code null} means the server runs
 * until its caller is cancelled. Limits are enforced by one timer per server that checks every
 * live connection each quarter of the shortest limit (every 5 ms to 1 s), so a limit fires up to
 * a quarter of itself late (at most a second); a connection costs no thread and no buffer for
 * it. With limits set, {@link Connection#readableChannel()} and {@link
 * Connection#writableChannel()} are empty, so {@link dev.eio.io.Flow#copy} goes through the
 * connection's reads and writes, which keep to them.
 *
 * <pre>{@code
 * Promise<Void> stop = Promise.create();
 * ServerOptions opts = ServerOptions.defaults()
 *     .withMaxConnections(1000)
 *     .withReadTimeout(Duration.ofSeconds(10))    // an idle client is dropped after 10 s
 *     .withWriteTimeout(Duration.ofSeconds(10))   // so is one that stops reading our replies
 *     .withSlotLease(Duration.ofSeconds(5))       // when full, the oldest makes room after 5 s
 *     .withStop(stop)
 *     .withOnError(e -> log.warn("connection failed", e))
 *     .withAcceptLoops(2);
 * }</pre>
 *
 * @param maxConnections the most connections served at once (0: no limit); further clients wait
 *     in the listen backlog (one per accept loop waits accepted, to claim a slot by {@code
 *     slotLease})
 * @param stop when resolved, the server stops accepting and closes the listener (new clients
 *     are refused), lets live connections finish, and {@code runServer} returns
 * @param onError receives each handler's failure (not cancellations); {@code null}: logged
 * @param acceptLoops how many fibers accept concurrently (at least 1)
 * @param readTimeout the longest a read of a served connection waits for a byte (zero: no
 *     limit); the connection is closed when it runs out
 * @param writeTimeout the longest a write waits without the peer taking a byte (zero: no limit);
 *     the connection is closed when it runs out
 * @param slotLease how long a connection keeps its slot for certain when the server is full and a
 *     client waits (zero: never taken back, the waiting client waits for a slot to free up)
 * @param stopOnError whether a handler's failure that is not the peer's stops the server
 */
public record ServerOptions(
    int maxConnections,
    Promise<Void> stop,
    Consumer<? super Throwable> onError,
    int acceptLoops,
    Duration readTimeout,
    Duration writeTimeout,
    Duration slotLease,
    boolean stopOnError) {
  /** The default {@code readTimeout}, in seconds. */
  public static final int DEFAULT_READ_TIMEOUT_SECONDS = 60;

  /** The default {@code writeTimeout}, in seconds. */
  public static final int DEFAULT_WRITE_TIMEOUT_SECONDS = 60;

  /** The default {@code slotLease}, in seconds. */
  public static final int DEFAULT_SLOT_LEASE_SECONDS = 5;

  /** Checks the arguments; the messages name the one that is wrong. */
  public ServerOptions {
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maxConnections must be >= 0, got " + maxConnections);
    }
    if (acceptLoops < 1) {
      throw new IllegalArgumentException("acceptLoops must be >= 1, got " + acceptLoops);
    }
    requireLimit("readTimeout", readTimeout);
    requireLimit("writeTimeout", writeTimeout);
    requireLimit("slotLease", slotLease);
  }

  private static void requireLimit(String name, Duration d) {
    if (d == null) {
      throw new NullPointerException(name);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0 (0: no limit), got " + d);
    }
  }

  /**
   * No connection limit, reads and writes limited to {@value #DEFAULT_READ_TIMEOUT_SECONDS} and
   * {@value #DEFAULT_WRITE_TIMEOUT_SECONDS} s, a slot lease of {@value
   * #DEFAULT_SLOT_LEASE_SECONDS} s, failures logged, no stop promise, one accept loop.
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        0,
        null,
        null,
        1,
        Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS),
        Duration.ofSeconds(DEFAULT_WRITE_TIMEOUT_SECONDS),
        Duration.ofSeconds(DEFAULT_SLOT_LEASE_SECONDS),
        false);
  }

  /** A copy with {@code maxConnections} (0: no limit). */
  public ServerOptions withMaxConnections(int maxConnections) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /** A copy with the {@code stop} promise. */
  public ServerOptions withStop(Promise<Void> stop) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /** A copy with the {@code onError} handler ({@code null}: failures are logged). */
  public ServerOptions withOnError(Consumer<? super Throwable> onError) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /** A copy with {@code acceptLoops} accept fibers. */
  public ServerOptions withAcceptLoops(int acceptLoops) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /** A copy whose reads wait at most {@code readTimeout} for a byte ({@link Duration#ZERO}: no limit). */
  public ServerOptions withReadTimeout(Duration readTimeout) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /**
   * A copy whose writes wait at most {@code writeTimeout} for the peer to take a byte ({@link
   * Duration#ZERO}: no limit).
   */
  public ServerOptions withWriteTimeout(Duration writeTimeout) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /**
   * A copy with {@code slotLease}: when every one of the {@code maxConnections} slots is taken and
   * a client waits, the connection that has held its slot longest gives it up once it has held it
   * this long ({@link Duration#ZERO}: connections keep their slots until they end).
   */
  public ServerOptions withSlotLease(Duration slotLease) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }

  /**
   * A copy where the first handler failure that is not the peer's (a {@link PeerIOException} or
   * an {@link dev.eio.io.EndOfInputException} is the peer's) stops the server: every connection is
   * cancelled and {@link Net#runServer} rethrows it. For trusted clients (tests, internal tools):
   * a request that makes the handler throw then stops the server for everyone.
   */
  public ServerOptions withStopOnError(boolean stopOnError) {
    return new ServerOptions(
        maxConnections, stop, onError, acceptLoops, readTimeout, writeTimeout, slotLease, stopOnError);
  }
}
