package dev.eio.examples;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.io.Flow;
import dev.eio.io.TwoWay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * TCP sockets on 127.0.0.1 owned by switches, for the examples that need a server before eio-net
 * exists: every socket is closed by the switch it was opened in, unless closed earlier.
 *
 * <p><b>Guarantees.</b> A listener or connection is registered with its switch the moment it
 * exists, so no exit path (failure, cancellation) leaks it; closing a connection early takes its
 * release hook back, so a long-lived server switch does not collect one hook per connection ever
 * accepted. A fiber cancelled while blocked in {@link #accept} or {@link #connect} gets {@link
 * Cancelled} (the JDK closes the channel on interrupt); other I/O failures are {@link
 * UncheckedIOException}s. Only loopback addresses are used.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   ServerSocketChannel listener = Loopback.listen(sw, 0);
 *   Loopback.Connection c = Loopback.accept(sw, listener);
 *   try { c.flow().write(reply); } finally { c.close(); }
 * });
 * }</pre>
 */
final class Loopback {
  /** 127.0.0.1: IPv4 on purpose, so a machine preferring IPv6 still listens where we connect. */
  static final InetAddress HOST = ipv4Loopback();

  private Loopback() {}

  /** A connected socket owned by a switch, read and written through {@link #flow()}. */
  static final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final TwoWay flow;
    private final Switch.ReleaseHandle hook;

    private Connection(SocketChannel channel, Switch.ReleaseHandle hook) {
      this.channel = channel;
      this.flow = Flow.of(channel);
      this.hook = hook;
    }

    /** The socket as an eio byte flow. */
    TwoWay flow() {
      return flow;
    }

    /** Closes the socket now and takes its release hook back; closing twice is harmless. */
    @Override
    public void close() {
      hook.remove();
      closeChannel(channel);
    }
  }

  /**
   * A listening socket on 127.0.0.1:{@code port} ({@code 0}: any free port), closed when {@code
   * sw} finishes.
   *
   * @throws IllegalArgumentException when {@code port} is outside 0..65535
   * @throws UncheckedIOException when the port cannot be bound (in use, not permitted)
   */
  static ServerSocketChannel listen(Switch sw, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    ServerSocketChannel listener;
    try {
      listener = ServerSocketChannel.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a listening socket: " + e.getMessage(), e);
    }
    sw.onRelease(() -> closeChannel(listener));
    try {
      // A fixed port is bound again by each run: connections the server closed first may still
      // hold it in TIME_WAIT, which SO_REUSEADDR lets a new listener ignore.
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(new InetSocketAddress(HOST, port), 128);
    } catch (IOException e) {
      throw failure(e, "cannot listen on " + HOST.getHostAddress() + ":" + port);
    }
    return listener;
  }

  /** The port {@code listener} is bound to. */
  static int port(ServerSocketChannel listener) {
    try {
      return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for the next connection on {@code listener}; the socket belongs to {@code sw} until
   * {@link Connection#close()}.
   *
   * @throws Cancelled when the calling fiber is cancelled (the listener is then closed)
   */
  static Connection accept(Switch sw, ServerSocketChannel listener) {
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        throw failure(e, "accept failed");
      }
      Connection c = own(sw, ch);
      try {
        noDelay(c);
        return c;
      } catch (UncheckedIOException e) {
        // Some systems refuse options on a connection the peer already reset: that connection
        // is gone, not the listener; wait for the next one.
      }
    }
  }

  /**
   * Connects to 127.0.0.1:{@code port}; the socket belongs to {@code sw} until {@link
   * Connection#close()}.
   *
   * @throws Cancelled when the calling fiber is cancelled
   * @throws UncheckedIOException when nobody listens there
   */
  static Connection connect(Switch sw, int port) {
    SocketChannel ch;
    try {
      ch = SocketChannel.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a socket: " + e.getMessage(), e);
    }
    Connection c = own(sw, ch);
    try {
      ch.connect(new InetSocketAddress(HOST, port));
    } catch (IOException e) {
      c.close();
      throw failure(e, "cannot connect to " + HOST.getHostAddress() + ":" + port);
    }
    noDelay(c);
    return c;
  }

  private static Connection own(Switch sw, SocketChannel ch) {
    // Registered before anything else can fail, so the socket is never without an owner.
    return new Connection(ch, sw.onRelease(() -> closeChannel(ch)));
  }

  /**
   * Requests and replies are single short lines: each goes out at once instead of Nagle's
   * algorithm holding it back for the peer's acknowledgement.
   */
  private static void noDelay(Connection c) {
    try {
      c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      c.close();
      throw new UncheckedIOException("cannot set TCP_NODELAY: " + e.getMessage(), e);
    }
  }

  /** Cancellation shows up as a closed channel; report it as what it is. */
  private static RuntimeException failure(IOException e, String what) {
    if (e instanceof ClosedByInterruptException || Fiber.isCancelled()) {
      try {
        Fiber.check(); // throws with the context's reason (a timeout, a sibling's failure...)
      } catch (Cancelled c) {
        c.addSuppressed(e);
        return c;
      }
      Cancelled c = new Cancelled(what + ": interrupted");
      c.addSuppressed(e);
      return c;
    }
    return new UncheckedIOException(what + ": " + e.getMessage(), e);
  }

  private static void closeChannel(java.nio.channels.Channel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + ch + " failed: " + e.getMessage(), e);
    }
  }

  private static InetAddress ipv4Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
