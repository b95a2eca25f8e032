package dev.eio.net;

import dev.eio.Cancelled;
import dev.eio.Clock;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Semaphore;
import dev.eio.Switch;
import dev.eio.Time;
import dev.eio.Timeout;
import dev.eio.WrappedCheckedException;
import dev.eio.net.internal.NetErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The network capability: listen, connect, look up names and open datagram sockets, every
 * socket owned by a switch. Get it with {@link #of(Env)}; code that was not given a {@code Net}
 * cannot open sockets.
 *
 * <p><b>Guarantees.</b> Every socket this class opens belongs to the switch passed in and is
 * closed when that switch ends (or earlier by its own {@code close}, which also takes its release
 * hook back, so long-lived switches do not accumulate hooks). Blocking calls are cancellation
 * points; cancelling a fiber blocked in socket I/O closes that socket (JDK semantics, see {@link
 * Connection}). Failures are unchecked: {@link java.io.UncheckedIOException} (a {@link
 * PeerIOException} on connections), {@link Cancelled} for cancellation. The JDK's name lookup
 * blocks its thread and cannot be interrupted, so lookups run on helper platform threads, at
 * most {@code maxConcurrentLookups} at once; a fiber waiting for a lookup, or for its turn, is
 * cancelled at once, and a lookup it abandoned runs to its end before its slot is free again.
 *
 * <p><b>Servers stay up and fair by default.</b> {@link #runServer} bounds every read and write
 * of a served connection in time (a client that goes quiet, or stops reading the replies, is
 * dropped), gives a client waiting for a full server the slot of the connection that has held
 * one longest once its {@link ServerOptions#slotLease lease} is over, and logs a handler's
 * failure instead of stopping (see {@link ServerOptions} for the defaults). To bound a whole
 * request rather than each read (a client that trickles one byte at a time), wrap it in {@link
 * Time#withTimeout} on the clock: the timeout cancels the read, which closes the connection.
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   Net net = Net.of(env);
 *   Switch.run(sw -> {
 *     Listener l = net.listen(sw, new InetSocketAddress("127.0.0.1", 8080), ListenOptions.defaults());
 *     Net.runServer(l, conn -> {
 *       BufReader in = BufReader.of(conn, 8192);
 *       while (!in.atEndOfInput()) {
 *         String line = in.line();                  // fails if the client is quiet for 10 s
 *         conn.write((line + "\n").getBytes(UTF_8)); // fails if it reads nothing for 10 s
 *       }                                           // either way: closed, logged, others served
 *     }, ServerOptions.defaults()
 *         .withMaxConnections(1000)
 *         .withReadTimeout(Duration.ofSeconds(10))
 *         .withWriteTimeout(Duration.ofSeconds(10))
 *         .withSlotLease(Duration.ofSeconds(5)));  // when full, the oldest makes room after 5 s
 *   });
 * });
 * }</pre>
 */
public final class Net {
  /** The default bound on concurrent name lookups. */
  public static final int DEFAULT_MAX_CONCURRENT_LOOKUPS = 8;

  /** The body of {@link #withTcpConnect}: uses the connection and returns a value. */
  @FunctionalInterface
  public interface ConnectionBody<T> {
    /** Uses {@code connection}, which is closed once this returns or throws. */
    T apply(Connection connection) throws Exception;
  }

  /** Looks up a host's addresses; the JDK's resolver unless a test swaps one in. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  // Lookups run here, not on the fiber: a lookup blocks its thread (a carrier, were it a fiber's)
  // and no interrupt ends it. Idle threads end after a while; the lookups semaphore bounds the
  // busy ones per Net.
  private static final ExecutorService LOOKUP_THREADS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> Thread.ofPlatform().daemon().name("eio-lookup").unstarted(r));

  private final Clock clock;
  private final Semaphore lookups;
  private final Resolver resolver;

  Net(Clock clock, int maxConcurrentLookups, Resolver resolver) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    if (maxConcurrentLookups < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentLookups must be >= 1, got " + maxConcurrentLookups);
    }
    this.clock = clock;
    this.lookups = new Semaphore(maxConcurrentLookups);
    this.resolver = resolver;
  }

  /** The network of {@code env}, with at most {@value #DEFAULT_MAX_CONCURRENT_LOOKUPS} lookups at once. */
  public static Net of(Env env) {
    return of(env, DEFAULT_MAX_CONCURRENT_LOOKUPS);
  }

  /**
   * The network of {@code env}, with at most {@code maxConcurrentLookups} name lookups running at
   * once; its clock times {@link #withTcpConnect}'s attempts.
   *
   * @throws IllegalArgumentException when {@code maxConcurrentLookups} is below 1
   */
  public static Net of(Env env, int maxConcurrentLookups) {
    if (env == null) {
      throw new NullPointerException("env");
    }
    return new Net(env.clock(), maxConcurrentLookups, InetAddress::getAllByName);
  }

  // ---------------------------------------------------------------- listening

  /** Listens on {@code address} with {@link ListenOptions#defaults()}. */
  public Listener listen(Switch sw, SocketAddress address) {
    return listen(sw, address, ListenOptions.defaults());
  }

  /**
   * Binds a listening socket to {@code address}: an {@link InetSocketAddress} (TCP; port 0
   * picks a free port, see {@link Listener#localAddress()}) or a {@link UnixDomainSocketAddress}
   * (the socket file is created, and removed when the listener closes).
   *
   * @throws java.io.UncheckedIOException when binding fails (address in use, file exists...)
   * @throws IllegalArgumentException for another kind of address, or {@code reusePort} on a Unix
   *     domain socket
   */
  public Listener listen(Switch sw, SocketAddress address, ListenOptions options) {
    requireOwner(sw);
    requireAddress(address);
    if (options == null) {
      throw new NullPointerException("options");
    }
    boolean unix = Connection.isUnix(address);
    if (unix && options.reusePort()) {
      throw new IllegalArgumentException("reusePort is for TCP, not a Unix domain socket: " + address);
    }
    sw.check();
    ServerSocketChannel ch = null;
    try {
      ch = ServerSocketChannel.open(Connection.family(address));
      if (unix) {
        if (options.reuseAddress()) {
          removeStaleSocketFile((UnixDomainSocketAddress) address);
        }
      } else {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
        if (options.reusePort()) {
          ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
      }
      ch.bind(address, options.backlog());
      return new Listener(sw, ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      throw e instanceof IOException io ? NetErrors.unchecked(io, "listen on " + address) : (RuntimeException) e;
    }
  }

  private static void removeStaleSocketFile(UnixDomainSocketAddress address) throws IOException {
    var path = address.getPath();
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    // Only a socket is "other" here; a regular file or directory at the path is the user's.
    if (a.isOther()) {
      Files.deleteIfExists(path);
    }
  }

  // ---------------------------------------------------------------- serving

  /**
   * Serves {@code listener}: accepts connections and runs {@code handler} for each in a fiber of
   * its own, until {@code options.stop()} is resolved (then: stop accepting, let the live
   * connections finish, return) or the caller is cancelled (then: every connection is cancelled,
   * and this throws {@link Cancelled}).
   *
   * <p>At most {@code maxConnections} handlers run at once. When the limit is reached, each
   * accept loop accepts one more client, which waits for a slot (the others wait in the listen
   * backlog); once the connection holding a slot longest has held it for {@code slotLease}, it is
   * cancelled to make room (its handler sees {@link Cancelled}, nothing is reported). With a
   * {@code slotLease} of zero the loops stop accepting while the limit is reached. A read that
   * gets no byte for {@code readTimeout}, or a write the peer lets make no progress for {@code
   * writeTimeout}, fails with a {@link PeerIOException} caused by a {@link
   * java.net.SocketTimeoutException} and closes its connection.
   *
   * <p>A handler's failure ends its connection only (never a cancellation, never reported): it
   * goes to {@code onError}, or is logged through {@link System.Logger} {@code dev.eio.net.Net}
   * ({@code DEBUG} for the peer's failures: a {@link PeerIOException}, such as a reset or a
   * timeout, or an {@link dev.eio.io.EndOfInputException}; {@code WARNING} for the others). With
   * {@code stopOnError}, a failure that is not the peer's fails the server instead, cancelling
   * every connection, and this rethrows it. A stop, a cancellation or a failure ends the accept
   * loops by closing the listener, never by interrupting an accept: new clients are refused from
   * then on (also while the connection limit is reached), and a connection the kernel completed
   * at that moment is served on a stop, closed otherwise, never lost with its descriptor (see
   * {@link Listener#accept}); a client still waiting for a slot is closed. An accept that fails
   * while the listener is open (the process is out of descriptors, say, which enough clients can
   * cause) is logged at {@code WARNING} and tried again after a pause that doubles from 5 ms up to
   * 1 s; the live connections are served meanwhile.
   *
   * @throws Cancelled when the caller is cancelled
   * @throws java.io.UncheckedIOException when accepting fails because the listener was closed
   *     (other than by the stop or a cancellation)
   * @throws RuntimeException the first handler failure that is not the peer's, with {@code
   *     stopOnError} (a checked one wrapped in {@link WrappedCheckedException})
   */
  public static void runServer(Listener listener, ConnectionHandler handler, ServerOptions options) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    if (options == null) {
      throw new NullPointerException("options");
    }
    Server.run(listener, handler, options);
  }

  // ---------------------------------------------------------------- connecting

  /**
   * Connects to {@code address} (TCP or Unix domain); the connection belongs to {@code sw}.
   *
   * @throws Cancelled when the fiber is cancelled while connecting
   * @throws java.io.UncheckedIOException when the connection fails (refused, unreachable...)
   */
  public Connection connect(Switch sw, SocketAddress address) {
    requireOwner(sw);
    requireAddress(address);
    sw.check();
    Fiber.check();
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open(Connection.family(address));
      ch.connect(address);
      return new Connection(sw, ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      throw e instanceof IOException io ? NetErrors.unchecked(io, "connect to " + address) : (RuntimeException) e;
    }
  }

  /**
   * Looks up {@code host}, connects to each of its addresses in turn until one accepts (each
   * attempt limited to {@code timeoutPerAttempt} on this network's clock), runs {@code body} with
   * the connection, closes it and returns the body's value.
   *
   * @throws java.io.UncheckedIOException when the lookup fails, or every address failed (the
   *     message lists each address and why; the attempts' exceptions are suppressed)
   * @throws Cancelled when the fiber is cancelled
   */
  public <T> T withTcpConnect(String host, int port, Duration timeoutPerAttempt, ConnectionBody<T> body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    requireTimeout(timeoutPerAttempt);
    return withTcpConnect(getaddrinfo(host, port), timeoutPerAttempt, body, host + ":" + port);
  }

  <T> T withTcpConnect(
      List<InetSocketAddress> addresses, Duration timeoutPerAttempt, ConnectionBody<T> body, String what) {
    return Switch.call(
        "connect " + what,
        sw -> {
          List<RuntimeException> failures = new ArrayList<>();
          StringBuilder tried = new StringBuilder();
          for (InetSocketAddress a : addresses) {
            Connection c;
            try {
              c = Time.withTimeoutOrThrow(clock, timeoutPerAttempt, () -> connect(sw, a));
            } catch (Timeout | UncheckedIOException e) {
              failures.add(e);
              tried.append(tried.isEmpty() ? "" : "; ").append(a).append(": ").append(e.getMessage());
              continue;
            }
            try {
              return body.apply(c);
            } finally {
              c.close();
            }
          }
          UncheckedIOException e =
              new UncheckedIOException(
                  "could not connect to " + what + " (" + tried + ")",
                  new java.net.ConnectException("every address of " + what + " failed"));
          failures.forEach(e::addSuppressed);
          throw e;
        });
  }

  // ---------------------------------------------------------------- names

  /**
   * The addresses of {@code host} with {@code port}, in the resolver's order (never empty).
   *
   * @throws java.io.UncheckedIOException caused by {@link UnknownHostException} when the name
   *     has no address
   * @throws IllegalArgumentException when {@code port} is outside 0..65535
   * @throws Cancelled when the fiber is cancelled while waiting for its turn or for the lookup
   *     (the lookup itself runs to its end on its helper thread, holding its slot until then)
   */
  public List<InetSocketAddress> getaddrinfo(String host, int port) {
    if (host == null) {
      throw new NullPointerException("host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    lookups.acquire();
    Promise<InetAddress[]> lookup = Promise.create();
    try {
      LOOKUP_THREADS.execute(
          () -> {
            try {
              lookup.resolve(resolver.lookup(host));
            } catch (Throwable t) {
              lookup.fail(t);
            } finally {
              lookups.release();
            }
          });
    } catch (Throwable t) {
      lookups.release();
      throw t;
    }
    InetAddress[] found;
    try {
      found = lookup.await();
    } catch (WrappedCheckedException e) {
      if (e.getCause() instanceof UnknownHostException u) {
        throw new UncheckedIOException("no address for host " + host, u);
      }
      throw e;
    }
    if (found == null || found.length == 0) {
      throw new UncheckedIOException(
          "no address for host " + host, new UnknownHostException(host + ": the lookup returned nothing"));
    }
    List<InetSocketAddress> out = new ArrayList<>(found.length);
    for (InetAddress a : found) {
      out.add(new InetSocketAddress(a, port));
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- datagrams

  /**
   * Opens a UDP socket bound to {@code bindAddress} (port 0 picks a free port); it belongs to
   * {@code sw}.
   *
   * @throws java.io.UncheckedIOException when binding fails
   */
  public UdpSocket datagram(Switch sw, InetSocketAddress bindAddress) {
    requireOwner(sw);
    requireAddress(bindAddress);
    sw.check();
    DatagramChannel ch = null;
    try {
      ch = DatagramChannel.open(Connection.family(bindAddress));
      ch.bind(bindAddress);
      return new UdpSocket(sw, ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      throw e instanceof IOException io ? NetErrors.unchecked(io, "bind " + bindAddress) : (RuntimeException) e;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void requireOwner(Switch sw) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
  }

  private static void requireAddress(SocketAddress address) {
    if (address == null) {
      throw new NullPointerException("address");
    }
    if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException(
          "address must be an InetSocketAddress or a UnixDomainSocketAddress, got "
              + address.getClass().getName());
    }
    if (address instanceof InetSocketAddress i && i.isUnresolved()) {
      throw new IllegalArgumentException(
          "address must be resolved (use getaddrinfo or withTcpConnect for names), got " + address);
    }
  }

  private static void requireTimeout(Duration timeout) {
    if (timeout == null) {
      throw new NullPointerException("timeoutPerAttempt");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeoutPerAttempt must be > 0, got " + timeout);
    }
  }

  private static void closeQuietly(java.nio.channels.Channel ch, Throwable failure) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  @Override
  public String toString() {
    return "Net[lookups " + lookups + "]";
  }
}
