package dev.eio.net;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.internal.FiberState;
import dev.eio.net.internal.NetErrors;
import dev.eio.net.internal.Ownership;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A listening socket (TCP or Unix domain) owned by a switch: {@link #accept} takes the next
 * connection, {@link #acceptFork} serves it in a fiber of its own. Made by {@link Net#listen}.
 *
 * <p><b>Guarantees.</b> The listener is closed when its switch ends or by {@link #close}; a Unix
 * domain listener then removes its socket file. Each accepted connection belongs to the switch
 * passed to {@code accept} (not the listener's), so connections can outlive the accept loop.
 * <b>Cancelling a fiber blocked in {@code accept} closes the listener</b>, as the JDK does when
 * it interrupts a blocked channel call, but eio closes it instead of interrupting, so no accepted
 * connection is lost; the fiber gets {@link Cancelled}. Any number of fibers may accept at once.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   Listener l = net.listen(sw, new InetSocketAddress("127.0.0.1", 8080), ListenOptions.defaults());
 *   while (true) {
 *     l.acceptFork(sw, conn -> Flow.copy(conn, conn), e -> log.warn("echo failed", e));
 *   }
 * });
 * }</pre>
 */
public final class Listener implements AutoCloseable {
  private final ServerSocketChannel channel;
  private final SocketAddress address;
  private final Ownership owner;

  Listener(Switch sw, ServerSocketChannel channel) throws IOException {
    this.channel = channel;
    this.address = channel.getLocalAddress();
    this.owner = Ownership.attach(sw, this::closeAndUnlink);
  }

  private void closeAndUnlink() throws IOException {
    try {
      channel.close();
    } finally {
      if (address instanceof UnixDomainSocketAddress u) {
        Files.deleteIfExists(u.getPath());
      }
    }
  }

  /** Closes the channel alone: runs under eio's cancellation locks, so no release hook work. */
  private void closeChannelQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // The descriptor is released even when close reports a failure.
    }
  }

  /** The bound address; for TCP with port 0, the port the system chose. */
  public SocketAddress localAddress() {
    return address;
  }

  /** The socket file of a Unix domain listener. */
  Path unixPath() {
    return address instanceof UnixDomainSocketAddress u ? u.getPath() : null;
  }

  /**
   * Waits for the next connection and returns it, owned by {@code sw}.
   *
   * <p>Cancellation closes the listener, which ends the accept; it never interrupts the accept.
   * So a connection the kernel completes at the very moment the fiber is cancelled is not lost:
   * either the accept returns it (owned by {@code sw}; the fiber sees the cancellation at its next
   * blocking operation) or the kernel never handed it over. (The JDK's own way, an interrupt,
   * throws after such a hand-over and never closes the descriptor; a thread interrupted from
   * outside eio still meets that.)
   *
   * @throws Cancelled when the fiber is cancelled (the listener is then closed), or when the
   *     listener is closed under the waiting fiber
   * @throws java.io.UncheckedIOException when accepting fails (such as on a closed listener or
   *     when the process is out of file descriptors)
   */
  public Connection accept(Switch sw) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    SocketChannel ch;
    try {
      // Cancelled by closing the listener, not by the interrupt: an interrupt that lands as the
      // kernel hands over a connection makes the JDK throw and never close that descriptor.
      ch = FiberState.callCancelledBy(this::closeChannelQuietly, channel::accept);
    } catch (IOException e) {
      throw NetErrors.unchecked(e, "accept on " + address);
    }
    try {
      return new Connection(sw, ch);
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof IOException io ? NetErrors.unchecked(io, "accept on " + address) : (RuntimeException) e;
    }
  }

  /**
   * Accepts the next connection and serves it with {@code handler} in a new fiber of {@code sw};
   * returns once the fiber is started. The connection is closed when the handler ends.
   *
   * <p>An exception of the handler goes to {@code onError} (an I/O failure is a {@link
   * PeerIOException} naming the client), except {@link Cancelled}, which is never reported: the
   * connection was cancelled, not broken. With a {@code null} {@code onError} the exception fails
   * {@code sw}. An exception thrown by {@code onError} fails {@code sw}.
   *
   * @throws Cancelled when the calling fiber is cancelled while accepting
   * @throws java.io.UncheckedIOException when accepting fails
   */
  public void acceptFork(Switch sw, ConnectionHandler handler, Consumer<? super Throwable> onError) {
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    Connection c = accept(sw);
    try {
      sw.fork(() -> serve(c, handler, onError));
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  static void serve(Connection c, ConnectionHandler handler, Consumer<? super Throwable> onError)
      throws Exception {
    try {
      handler.handle(c);
    } catch (Cancelled e) {
      if (Fiber.isCancelled()) {
        throw e;
      }
      // The connection was closed under the handler (by its owner): nothing to report.
    } catch (Exception e) {
      if (onError == null) {
        throw e;
      }
      onError.accept(e);
    } finally {
      c.close();
    }
  }

  /** Whether the listener is still open. */
  public boolean isOpen() {
    return channel.isOpen();
  }

  /**
   * Closes the listener now (a Unix domain listener removes its socket file); fibers blocked in
   * {@link #accept} get {@link Cancelled}. Connections already accepted stay open.
   */
  @Override
  public void close() {
    owner.closeQuietly();
  }

  @Override
  public String toString() {
    return "Listener[" + address + (channel.isOpen() ? "" : ", closed") + "]";
  }
}
