package dev.eio.net;

import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.net.internal.NetErrors;
import dev.eio.net.internal.Ownership;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A UDP socket owned by a switch: {@link #send} a datagram to an address, {@link #receive} one
 * with its sender's address. Made by {@link Net#datagram}.
 *
 * <p><b>Guarantees.</b> Each datagram is sent or received whole, or not at all; a datagram longer
 * than the receive buffer's room is truncated (UDP semantics). UDP itself may drop, duplicate or
 * reorder datagrams. The socket is closed when its switch ends or by {@link #close}; as with
 * connections, cancelling a fiber blocked in {@code receive} closes the socket and throws {@link
 * dev.eio.Cancelled}.
 *
 * <pre>{@code
 * UdpSocket s = net.datagram(sw, new InetSocketAddress("127.0.0.1", 0));
 * s.send(peer, ByteBuffer.wrap("ping".getBytes(UTF_8)));
 * ByteBuffer buf = ByteBuffer.allocate(1500);
 * SocketAddress from = s.receive(buf);
 * }</pre>
 */
public final class UdpSocket implements AutoCloseable {
  private final DatagramChannel channel;
  private final SocketAddress local;
  private final Ownership owner;

  UdpSocket(Switch sw, DatagramChannel channel) throws IOException {
    this.channel = channel;
    this.local = channel.getLocalAddress();
    this.owner = Ownership.attach(sw, channel);
  }

  /** The bound address (with the port the system chose for port 0). */
  public SocketAddress localAddress() {
    return local;
  }

  /**
   * Sends the remaining bytes of {@code src} as one datagram to {@code target}.
   *
   * @throws dev.eio.Cancelled when the fiber is cancelled
   * @throws java.io.UncheckedIOException when sending fails (such as a datagram too large)
   */
  public void send(SocketAddress target, ByteBuffer src) {
    if (target == null) {
      throw new NullPointerException("target");
    }
    Fiber.check();
    try {
      channel.send(src, target);
    } catch (IOException e) {
      throw NetErrors.unchecked(e, "send to " + target);
    }
  }

  /**
   * Waits for a datagram, puts it into {@code dst} (truncated to the room there), and returns
   * the sender's address.
   *
   * @throws dev.eio.Cancelled when the fiber is cancelled (the socket is then closed)
   * @throws java.io.UncheckedIOException when receiving fails
   */
  public SocketAddress receive(ByteBuffer dst) {
    Fiber.check();
    try {
      return channel.receive(dst);
    } catch (IOException e) {
      throw NetErrors.unchecked(e, "receive on " + local);
    }
  }

  /** Sets a socket option such as {@code SO_RCVBUF}, {@code SO_SNDBUF} or {@code SO_BROADCAST}. */
  public <T> UdpSocket option(SocketOption<T> name, T value) {
    try {
      channel.setOption(name, value);
    } catch (IOException e) {
      throw NetErrors.unchecked(e, "option on " + local);
    }
    return this;
  }

  /** The current value of a socket option. */
  public <T> T option(SocketOption<T> name) {
    try {
      return channel.getOption(name);
    } catch (IOException e) {
      throw NetErrors.unchecked(e, "option on " + local);
    }
  }

  /** Closes the socket now; a fiber blocked in {@link #receive} gets {@link dev.eio.Cancelled}. */
  @Override
  public void close() {
    owner.closeQuietly();
  }

  @Override
  public String toString() {
    return "UdpSocket[" + local + (channel.isOpen() ? "" : ", closed") + "]";
  }
}
