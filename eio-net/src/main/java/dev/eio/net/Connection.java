package dev.eio.net;

import dev.eio.io.ShutdownCommand;
import dev.eio.io.TwoWay;
import dev.eio.net.internal.NetErrors;
import dev.eio.net.internal.Ownership;
import dev.eio.Fiber;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Optional;

/**
 * A connected stream socket (TCP or Unix domain) owned by a switch: a {@link TwoWay} byte flow
 * that is closed when its switch ends, or earlier by {@link #close}.
 *
 * <p><b>Guarantees.</b> Bytes are read and written in order; {@link #read} returns {@code -1}
 * once the peer has shut down its sending side. An I/O failure is a {@link PeerIOException}
 * naming the peer. <b>A cancelled read or write closes the connection</b>: the JDK reacts to the
 * interrupt that delivers cancellation by closing the socket, so the fiber gets {@link
 * dev.eio.Cancelled} and the connection is unusable afterwards; a connection closed by its owner
 * under a blocked read or write also makes that call throw {@code Cancelled}. A fiber that was
 * cancelled while not in socket I/O (waiting on a promise, say) can still say goodbye: run the
 * write inside {@link dev.eio.Cancel#protect}, which clears the pending interrupt so the JDK does
 * not close the socket at the first write. {@link #readTimeout} gives reads a time limit that
 * does <i>not</i> cost the connection (TCP only); {@link #shutdown} with {@link
 * ShutdownCommand#RECEIVE} from another fiber wakes a blocked reader with end of input and keeps
 * the connection writable. A read first lets the other runnable fibers run once (a
 * {@link Thread#yield}), which batches the server's work under load (ADR 11). Closing twice is
 * harmless. One reader and one writer may use a
 * connection at the same time.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   Connection c = net.connect(sw, new InetSocketAddress("127.0.0.1", 8080));
 *   c.option(StandardSocketOptions.TCP_NODELAY, true);
 *   c.write("ping\n".getBytes(UTF_8));
 *   c.shutdown(ShutdownCommand.SEND);
 *   System.out.println(new String(BufReader.of(c).takeAll(), UTF_8));
 * }); // c is closed here
 * }</pre>
 */
public final class Connection implements TwoWay, AutoCloseable {
  /**
   * Whether {@link #read} lets the other runnable fibers go first (see ADR 11): by the time they
   * have run, the peer's next bytes have often arrived, and the read returns them instead of
   * parking the fiber and re-arming the poller. {@code -Ddev.eio.net.yieldBeforeRead=false} turns
   * it off.
   */
  static final boolean YIELD_BEFORE_READ =
      !"false".equals(System.getProperty("dev.eio.net.yieldBeforeRead"));

  private final SocketChannel channel;
  private final SocketAddress peer;
  private final SocketAddress local;
  private final Ownership owner;
  private volatile int readTimeoutMillis;
  // The socket adaptor's stream, created on first use: its reads honour SO_TIMEOUT, and its
  // available() tells awaitInput's callers how many bytes a read can take without blocking.
  private InputStream adaptorIn;
  // The bytes awaitInput read to learn that input had arrived, not yet handed to read; null when
  // there are none. Only the reading fiber touches it.
  private ByteBuffer kept;
  // How much a wait reads: a small request in one read, as a buffer of the caller's would take
  // it, for about half a kilobyte held while the connection is idle (ADR 35).
  private static final int KEEP = 512;

  // A server's limits (ServerOptions), set before its handler runs; 0: none. The deadlines are
  // System.nanoTime() values of the read or write blocked now (0: none), which the server's timer
  // checks; when one has passed it sets expired and closes the connection.
  private long readLimitNanos;
  private long writeLimitNanos;
  private volatile long readDeadline;
  private volatile long writeDeadline;
  private volatile String expired;

  Connection(dev.eio.Switch sw, SocketChannel channel) throws IOException {
    this.channel = channel;
    this.peer = channel.getRemoteAddress();
    this.local = channel.getLocalAddress();
    this.owner = Ownership.attach(sw, channel);
  }

  /** The address of the other end (for a Unix domain socket, often an unnamed address). */
  public SocketAddress peer() {
    return peer;
  }

  /** The address of this end. */
  public SocketAddress localAddress() {
    return local;
  }

  /**
   * Reads some bytes into {@code dst}, blocking until at least one is available.
   *
   * @return the number read, or {@code -1} at end of input (the peer shut down its sending side)
   * @throws dev.eio.Cancelled when the fiber is cancelled (the connection is then closed)
   * @throws PeerIOException when the read fails, or a {@link #readTimeout} expires (its cause is
   *     then a {@link SocketTimeoutException} and the connection stays open), or the {@link
   *     ServerOptions#readTimeout} of the server serving it runs out (the same cause, and the
   *     connection is closed)
   */
  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (kept != null) {
      return readKept(dst);
    }
    // Checking first keeps a cancelled fiber from starting the read: the JDK would close the
    // socket at once.
    // Only fibers: on a platform thread a yield is a system call and batches nothing.
    if (YIELD_BEFORE_READ && Thread.currentThread().isVirtual()) {
      Thread.yield();
    }
    Fiber.check();
    long limit = readLimitNanos;
    try {
      if (limit > 0) {
        readDeadline = deadline(limit);
      }
      int timeout = readTimeoutMillis;
      return timeout > 0 ? timedRead(dst) : channel.read(dst);
    } catch (IOException e) {
      throw error(e);
    } finally {
      if (limit > 0) {
        readDeadline = 0;
      }
    }
  }

  /**
   * Waits until the peer has sent bytes (or shut down its side), without the caller's buffer: a
   * server that takes a buffer from a pool only after this call keeps an idle connection down to
   * its socket, its fiber, a few small objects and this wait's own half kilobyte (B5 hold, ADR
   * 35).
   *
   * <p>It reads up to 512 bytes into a buffer of its own and keeps them for the next {@link
   * #read}s, which hand them over first; when the wait filled its buffer, the read that empties
   * it also takes whatever else is ready, without blocking (on TCP; on a Unix domain socket,
   * whose readiness the JDK does not report, it returns the kept bytes alone). It is cancelled,
   * times out and fails as {@link #read} does.
   *
   * <pre>{@code
   * while (conn.awaitInput()) {
   *   ByteBuffer buf = pool.take();
   *   try {
   *     conn.read(buf); // does not block
   *     conn.write(buf.flip());
   *   } finally {
   *     pool.give(buf.clear());
   *   }
   * }
   * }</pre>
   *
   * @return true when a read will return bytes at once, false at end of input (a read then
   *     returns {@code -1})
   */
  public boolean awaitInput() {
    if (kept != null) {
      return true;
    }
    ByteBuffer k = ByteBuffer.allocate(KEEP);
    if (read(k) < 0) {
      return false;
    }
    kept = k.flip();
    return true;
  }

  /** Hands over the bytes awaitInput kept, then what else is ready if it filled them; never blocks. */
  private int readKept(ByteBuffer dst) {
    ByteBuffer k = kept;
    int n = Math.min(k.remaining(), dst.remaining());
    dst.put(dst.position(), k, k.position(), n);
    dst.position(dst.position() + n);
    k.position(k.position() + n);
    if (k.hasRemaining()) {
      return n;
    }
    kept = null;
    // A wait that did not fill its buffer took everything the socket held at that moment.
    if (k.limit() < KEEP || !dst.hasRemaining()) {
      return n;
    }
    int ready = available();
    if (ready <= 0) {
      return n;
    }
    ByteBuffer window = dst.slice().limit(Math.min(ready, dst.remaining()));
    try {
      // As many bytes as the kernel holds for us, at most: the read cannot block.
      int m = channel.read(window);
      if (m > 0) {
        dst.position(dst.position() + m);
        return n + m;
      }
      return n;
    } catch (IOException e) {
      throw error(e);
    }
  }

  /** The bytes a read can take at once (TCP), or 0 when unknown (a Unix domain socket). */
  private int available() {
    if (isUnixDomain()) {
      return 0;
    }
    try {
      return adaptorIn().available();
    } catch (IOException e) {
      throw error(e);
    }
  }

  private synchronized InputStream adaptorIn() throws IOException {
    if (adaptorIn == null) {
      adaptorIn = channel.socket().getInputStream();
    }
    return adaptorIn;
  }

  private static long deadline(long limitNanos) {
    long d = System.nanoTime() + limitNanos;
    return d == 0 ? 1 : d; // 0 means "no deadline"
  }

  private int timedRead(ByteBuffer dst) throws IOException {
    // The socket adaptor's stream honours SO_TIMEOUT with a timed poll and leaves the channel open
    // when the time is up; a plain channel read has no time limit.
    InputStream in = adaptorIn();
    int n;
    if (dst.hasArray()) {
      n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else {
      byte[] tmp = new byte[Math.min(dst.remaining(), 64 * 1024)];
      n = in.read(tmp);
      if (n > 0) {
        dst.put(tmp, 0, n);
      }
    }
    return n;
  }

  /**
   * Writes every remaining byte of {@code src}, blocking while the peer does not read (the
   * kernel's buffers bound the memory a slow reader can make us hold).
   *
   * @throws dev.eio.Cancelled when the fiber is cancelled (the connection is then closed; some
   *     bytes may have been sent: {@code src}'s position tells how many)
   * @throws PeerIOException when the write fails (such as a reset by the peer), or the peer took
   *     no byte for the {@link ServerOptions#writeTimeout} of the server serving it (its cause is
   *     then a {@link SocketTimeoutException}, and the connection is closed)
   */
  @Override
  public void write(ByteBuffer src) {
    if (!src.hasRemaining()) {
      return;
    }
    Fiber.check();
    long limit = writeLimitNanos;
    try {
      while (src.hasRemaining()) {
        // A blocking channel write returns once the kernel took some bytes: the limit is on a
        // peer that takes nothing, not on the whole write.
        if (limit > 0) {
          writeDeadline = deadline(limit);
        }
        channel.write(src);
      }
    } catch (IOException e) {
      throw error(e);
    } finally {
      if (limit > 0) {
        writeDeadline = 0;
      }
    }
  }

  /** Applies a server's read and write limits (nanoseconds, 0: none) before its handler runs. */
  void serverLimits(long readNanos, long writeNanos) {
    this.readLimitNanos = readNanos;
    this.writeLimitNanos = writeNanos;
  }

  /**
   * Why this connection must be closed now, if a server limit has run out at {@code now}: the
   * blocked read or write has waited too long. {@code null} otherwise.
   */
  String overdue(long now) {
    long r = readDeadline;
    if (r != 0 && now - r >= 0) {
      return "read timed out: no byte from the peer in " + Duration.ofNanos(readLimitNanos);
    }
    long w = writeDeadline;
    if (w != 0 && now - w >= 0) {
      return "write timed out: the peer took no byte in " + Duration.ofNanos(writeLimitNanos);
    }
    return null;
  }

  /**
   * Closes the connection because a limit ran out ({@code why}): the blocked call, and every
   * later one, fails with a {@link PeerIOException} caused by a {@link SocketTimeoutException}.
   */
  void expire(String why) {
    expired = why;
    owner.closeQuietly();
  }

  private RuntimeException error(IOException e) {
    String why = expired;
    if (why != null && (e instanceof ClosedChannelException || !channel.isOpen()) && !Fiber.isCancelled()) {
      return new PeerIOException(peer, new SocketTimeoutException(why));
    }
    RuntimeException r = NetErrors.unchecked(e, null);
    if (r instanceof UncheckedIOException u) {
      return new PeerIOException(peer, u.getCause());
    }
    return r;
  }

  /**
   * Ends one or both directions: {@link ShutdownCommand#SEND} lets the peer read end of input
   * after every byte written (a half-close; this side can still read), {@link
   * ShutdownCommand#RECEIVE} makes reads return {@code -1}, waking a reader blocked in another
   * fiber without closing the connection.
   *
   * @throws PeerIOException when the shutdown fails (such as on a connection already reset)
   */
  @Override
  public void shutdown(ShutdownCommand command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    try {
      if (command != ShutdownCommand.RECEIVE) {
        channel.shutdownOutput();
      }
      if (command != ShutdownCommand.SEND) {
        channel.shutdownInput();
      }
    } catch (IOException e) {
      throw error(e);
    }
  }

  /**
   * Gives each later {@link #read} a time limit: a read that sees no byte within {@code timeout}
   * throws a {@link PeerIOException} caused by a {@link SocketTimeoutException}, and the
   * connection stays open and usable. {@link Duration#ZERO} removes the limit. For an idle
   * timeout over many reads, or on a Unix domain socket, use {@link dev.eio.Time#withTimeout}
   * with the clock instead (which closes the connection when it fires).
   *
   * @throws IllegalArgumentException when {@code timeout} is negative or over {@code
   *     Integer.MAX_VALUE} milliseconds
   * @throws UnsupportedOperationException on a Unix domain socket (the JDK has no timed read
   *     there)
   */
  public Connection readTimeout(Duration timeout) {
    if (timeout == null) {
      throw new NullPointerException("timeout");
    }
    if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "timeout must be between 0 and " + Integer.MAX_VALUE + " ms, got " + timeout);
    }
    if (!(local instanceof InetSocketAddress)) {
      throw new UnsupportedOperationException(
          "read timeouts need a TCP connection, this one is " + local);
    }
    int ms = (int) Math.max(timeout.toMillis(), timeout.isZero() ? 0 : 1);
    try {
      channel.socket().setSoTimeout(ms);
    } catch (IOException e) {
      throw error(e);
    }
    readTimeoutMillis = ms;
    return this;
  }

  /**
   * Sets a socket option, such as {@link java.net.StandardSocketOptions#TCP_NODELAY}, {@code
   * SO_KEEPALIVE}, {@code SO_SNDBUF} or {@code SO_RCVBUF}.
   *
   * @return this connection
   * @throws UnsupportedOperationException when the socket does not support {@code name}
   * @throws IllegalArgumentException when {@code value} is not valid for {@code name}
   */
  public <T> Connection option(SocketOption<T> name, T value) {
    try {
      channel.setOption(name, value);
    } catch (IOException e) {
      throw error(e);
    }
    return this;
  }

  /** The current value of a socket option. */
  public <T> T option(SocketOption<T> name) {
    try {
      return channel.getOption(name);
    } catch (IOException e) {
      throw error(e);
    }
  }

  /** Whether this is a Unix domain connection. */
  public boolean isUnixDomain() {
    return !(local instanceof InetSocketAddress);
  }

  /** Whether the connection has been closed (by {@link #close}, its switch, or cancellation). */
  public boolean isClosed() {
    return !channel.isOpen();
  }

  /**
   * Closes the connection now (instead of when its switch ends) and releases its descriptor; a
   * fiber blocked reading or writing it gets {@link dev.eio.Cancelled}.
   */
  @Override
  public void close() {
    owner.closeQuietly();
  }

  /** The socket channel, which {@link dev.eio.io.Flow#copy} may use directly. */
  @Override
  public Optional<ReadableByteChannel> readableChannel() {
    // Reads that bypass read() would escape its time limits, or miss awaitInput's bytes.
    return readTimeoutMillis > 0 || readLimitNanos > 0 || kept != null
        ? Optional.empty()
        : Optional.of(channel);
  }

  @Override
  public Optional<WritableByteChannel> writableChannel() {
    return writeLimitNanos > 0 ? Optional.empty() : Optional.of(channel);
  }

  @Override
  public String toString() {
    return "Connection[" + local + " <-> " + peer + (channel.isOpen() ? "" : ", closed") + "]";
  }

  static boolean isUnix(SocketAddress a) {
    return a instanceof java.net.UnixDomainSocketAddress;
  }

  static StandardProtocolFamily family(SocketAddress a) {
    if (isUnix(a)) {
      return StandardProtocolFamily.UNIX;
    }
    if (a instanceof InetSocketAddress i && i.getAddress() instanceof java.net.Inet6Address) {
      return StandardProtocolFamily.INET6;
    }
    return StandardProtocolFamily.INET;
  }
}
