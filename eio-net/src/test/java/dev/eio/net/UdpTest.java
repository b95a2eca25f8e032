package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.test.EioTest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpTest {
  @EioTest
  void datagramsArriveWithTheSendersAddress(Env env, Switch sw) {
    Net net = Net.of(env);
    UdpSocket a = net.datagram(sw, TcpTest.LOOPBACK);
    UdpSocket b = net.datagram(sw, TcpTest.LOOPBACK);
    a.send(b.localAddress(), ByteBuffer.wrap("ping".getBytes(UTF_8)));
    ByteBuffer buf = ByteBuffer.allocate(64);
    SocketAddress from = b.receive(buf);
    assertEquals(a.localAddress(), from);
    assertEquals("ping", new String(buf.array(), 0, buf.position(), UTF_8));
    b.send(from, ByteBuffer.wrap("pong".getBytes(UTF_8)));
    buf.clear();
    assertEquals(b.localAddress(), a.receive(buf));
    assertEquals("pong", new String(buf.array(), 0, buf.position(), UTF_8));
    a.option(StandardSocketOptions.SO_RCVBUF, 128 * 1024);
    assertTrue(a.option(StandardSocketOptions.SO_RCVBUF) >= 128 * 1024);
  }

  @Test
  void cancelledReceiveThrowsCancelledAndTheSocketIsClosedWithItsSwitch() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicReference<Thread> receiver = new AtomicReference<>();
          AtomicReference<UdpSocket> socket = new AtomicReference<>();
          Cancelled c =
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx ->
                              Switch.run(
                                  sw -> {
                                    socket.set(net.datagram(sw, TcpTest.LOOPBACK));
                                    sw.fork(
                                        () -> {
                                          receiver.set(Thread.currentThread());
                                          socket.get().receive(ByteBuffer.allocate(16));
                                        });
                                    org.awaitility.Awaitility.await()
                                        .until(() -> TcpTest.blockedIn(receiver.get(), "DatagramChannelImpl", "receive"));
                                    ctx.cancel(new RuntimeException("enough"));
                                  })));
          assertEquals("enough", c.reason().getMessage());
          assertTrue(socket.get().toString().endsWith(", closed]"), socket.get().toString());
          assertInstanceOf(InetSocketAddress.class, socket.get().localAddress());
        });
  }
}
