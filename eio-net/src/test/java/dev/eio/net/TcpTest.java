package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.test.EioTest;
import dev.eio.io.BufReader;
import dev.eio.io.ShutdownCommand;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TcpTest {
  static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  static String readAll(Connection c) {
    return new String(BufReader.of(c, 1 << 20).takeAll(), UTF_8);
  }

  @EioTest
  void bytesSentBeforeHalfCloseArriveAndTheSenderCanStillRead(Env env, Switch sw) {
    Net net = Net.of(env);
    Listener l = net.listen(sw, LOOPBACK);
    sw.fork(
        () -> {
          Connection s = l.accept(sw);
          String got = readAll(s); // ends only at the client's half-close
          s.write(("echo:" + got).getBytes(UTF_8));
          s.close();
        });
    Connection c = net.connect(sw, l.localAddress());
    c.write("hello".getBytes(UTF_8));
    c.shutdown(ShutdownCommand.SEND);
    assertEquals("echo:hello", readAll(c));
  }

  @EioTest
  void acceptedConnectionKnowsItsPeer(Env env, Switch sw) {
    Net net = Net.of(env);
    Listener l = net.listen(sw, LOOPBACK);
    Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
    Connection c = net.connect(sw, l.localAddress());
    Connection s = accepted.await();
    assertEquals(c.localAddress(), s.peer());
    assertEquals(s.localAddress(), c.peer());
  }

  @Test
  void everySocketIsClosedWhenItsSwitchEnds() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicReference<Listener> listener = new AtomicReference<>();
          AtomicReference<Connection> client = new AtomicReference<>();
          AtomicReference<Connection> server = new AtomicReference<>();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                listener.set(l);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                client.set(net.connect(sw, l.localAddress()));
                server.set(accepted.await());
                assertTrue(l.isOpen());
                assertFalse(client.get().isClosed());
              });
          assertFalse(listener.get().isOpen());
          assertTrue(client.get().isClosed());
          assertTrue(server.get().isClosed());
        });
  }

  @Test
  void closingEarlyThenEndingTheSwitchClosesOnce() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                for (int i = 0; i < 50; i++) {
                  Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                  Connection c = net.connect(sw, l.localAddress());
                  c.close();
                  c.close();
                  Connection s = accepted.await();
                  assertEquals(-1, s.read(ByteBuffer.allocate(1)));
                  s.close();
                }
                l.close();
                assertFalse(l.isOpen());
              });
        });
  }

  @Test
  void unixListenerRemovesItsSocketFileWhenClosed(@TempDir Path dir) {
    Path file = dir.resolve("s.sock");
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, UnixDomainSocketAddress.of(file));
                assertTrue(Files.exists(file));
                sw.fork(
                    () -> {
                      try (Connection s = l.accept(sw)) {
                        s.write("over unix".getBytes(UTF_8));
                      }
                    });
                Connection c = net.connect(sw, UnixDomainSocketAddress.of(file));
                assertTrue(c.isUnixDomain());
                assertEquals("over unix", readAll(c));
              });
          assertFalse(Files.exists(file));
        });
  }

  @Test
  void reuseAddressReplacesAStaleUnixSocketFileButNeverARegularFile(@TempDir Path dir)
      throws Exception {
    Path stale = dir.resolve("stale.sock");
    // A socket file left behind by a listener that was never closed.
    var leftover = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    leftover.bind(UnixDomainSocketAddress.of(stale));
    leftover.close();
    assertTrue(Files.exists(stale));
    Path regular = Files.writeString(dir.resolve("data.txt"), "keep me");
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                var reuse = ListenOptions.defaults().withReuseAddress(true);
                assertThrows(UncheckedIOException.class, () -> net.listen(sw, UnixDomainSocketAddress.of(stale)));
                Listener l = net.listen(sw, UnixDomainSocketAddress.of(stale), reuse);
                assertTrue(l.isOpen());
                assertThrows(UncheckedIOException.class, () -> net.listen(sw, UnixDomainSocketAddress.of(regular), reuse));
              });
        });
    assertEquals("keep me", Files.readString(regular));
  }

  @Test
  void cancelledReadThrowsCancelledAndClosesTheConnection() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                Connection s = accepted.await();
                AtomicReference<Throwable> seen = new AtomicReference<>();
                AtomicReference<Thread> reader = new AtomicReference<>();
                assertThrows(Cancelled.class, () -> Cancel.sub(
                    ctx -> {
                      Switch.run(
                          inner -> {
                            inner.fork(
                                () -> {
                                  reader.set(Thread.currentThread());
                                  try {
                                    s.read(ByteBuffer.allocate(10));
                                  } catch (Throwable t) {
                                    seen.set(t);
                                    throw t;
                                  }
                                });
                            org.awaitility.Awaitility.await().until(() -> blockedIn(reader.get(), "SocketChannelImpl", "read"));
                            ctx.cancel(new RuntimeException("stop reading"));
                          });
                    }));
                assertInstanceOf(Cancelled.class, seen.get());
                assertEquals("stop reading", ((Cancelled) seen.get()).reason().getMessage());
                assertTrue(s.isClosed());
                assertEquals(-1, c.read(ByteBuffer.allocate(1)));
              });
        });
  }

  /** Whether {@code t} is parked inside {@code cls.method} (a JDK socket call, say). */
  static boolean blockedIn(Thread t, String cls, String method) {
    if (t == null || t.getState() != Thread.State.WAITING) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().endsWith(cls) && e.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void goodbyeWriteInAProtectedRegionReachesThePeerAfterCancellation() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                Connection s = accepted.await();
                CountDownLatch waiting = new CountDownLatch(1);
                assertThrows(
                    Cancelled.class,
                    () ->
                        Cancel.sub(
                            ctx ->
                                Switch.run(
                                    inner -> {
                                      inner.fork(
                                          () -> {
                                            try {
                                              waiting.countDown();
                                              Promise.create().await(); // not in socket I/O
                                            } finally {
                                              Cancel.protect(() -> s.write("bye\n".getBytes(UTF_8)));
                                            }
                                          });
                                      waiting.await();
                                      ctx.cancel(new RuntimeException("shutdown"));
                                    })));
                assertEquals("bye", BufReader.of(c).line());
              });
        });
  }

  @Test
  void readTimeoutKeepsTheConnectionOpen() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                Connection s = accepted.await();
                s.readTimeout(Duration.ofMillis(50));
                ByteBuffer buf = ByteBuffer.allocate(16);
                PeerIOException e = assertThrows(PeerIOException.class, () -> s.read(buf));
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                assertEquals(c.localAddress(), e.peer());
                assertFalse(s.isClosed());
                c.write("after".getBytes(UTF_8));
                c.shutdown(ShutdownCommand.SEND);
                assertEquals("after", readAll(s));
                s.write("still writable".getBytes(UTF_8));
                s.close();
                assertEquals("still writable", readAll(c));
              });
        });
  }

  @Test
  void shutdownReceiveWakesABlockedReaderWithEndOfInputAndKeepsItWritable() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                Connection s = accepted.await();
                CountDownLatch reading = new CountDownLatch(1);
                Promise<Integer> read =
                    sw.forkPromise(
                        () -> {
                          reading.countDown();
                          return s.read(ByteBuffer.allocate(8));
                        });
                reading.await();
                s.shutdown(ShutdownCommand.RECEIVE);
                assertEquals(-1, read.await());
                s.write("ok".getBytes(UTF_8));
                s.close();
                assertEquals("ok", readAll(c));
              });
        });
  }

  @Test
  void socketOptionsCanBeSetAndRead() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK, ListenOptions.defaults().withBacklog(16).withReuseAddress(true));
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                accepted.await();
                c.option(StandardSocketOptions.TCP_NODELAY, true).option(StandardSocketOptions.SO_KEEPALIVE, true);
                assertTrue(c.option(StandardSocketOptions.TCP_NODELAY));
                assertTrue(c.option(StandardSocketOptions.SO_KEEPALIVE));
                c.option(StandardSocketOptions.SO_SNDBUF, 64 * 1024).option(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
                assertTrue(c.option(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
                assertTrue(c.option(StandardSocketOptions.SO_RCVBUF) >= 64 * 1024);
              });
        });
  }

  @Test
  void badArgumentsAreNamed() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> ListenOptions.defaults().withBacklog(-1));
          assertEquals("backlog must be >= 0, got -1", e.getMessage());
          Switch.run(
              sw -> {
                var unresolved = InetSocketAddress.createUnresolved("localhost", 80);
                assertTrue(assertThrows(IllegalArgumentException.class, () -> net.connect(sw, unresolved))
                    .getMessage().startsWith("address must be resolved"));
                assertThrows(IllegalArgumentException.class,
                    () -> net.listen(sw, UnixDomainSocketAddress.of("/tmp/x.sock"), ListenOptions.defaults().withReusePort(true)));
              });
          assertEquals("maxConcurrentLookups must be >= 1, got 0",
              assertThrows(IllegalArgumentException.class, () -> Net.of(env, 0)).getMessage());
        });
  }

  @Test
  void connectingToAClosedPortIsAnIoFailure() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                var addr = l.localAddress();
                l.close();
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> net.connect(sw, addr));
                assertTrue(e.getMessage().startsWith("connect to "), e.getMessage());
              });
        });
  }

  @Test
  void cancelledAcceptThrowsCancelled() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                CountDownLatch started = new CountDownLatch(1);
                Cancelled c =
                    assertThrows(
                        Cancelled.class,
                        () ->
                            Cancel.sub(
                                ctx ->
                                    Switch.run(
                                        inner -> {
                                          inner.fork(
                                              () -> {
                                                started.countDown();
                                                l.accept(inner);
                                              });
                                          started.await();
                                          ctx.cancel(new RuntimeException("no more clients"));
                                        })));
                assertEquals("no more clients", c.reason().getMessage());
              });
        });
  }

  @Test
  void reusePortLetsTwoListenersShareAPort() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                ListenOptions shared = ListenOptions.defaults().withReusePort(true);
                Listener a = net.listen(sw, LOOPBACK, shared);
                Listener b = net.listen(sw, a.localAddress(), shared);
                assertEquals(a.localAddress(), b.localAddress());
                // Without the option the port is taken.
                assertThrows(UncheckedIOException.class, () -> net.listen(sw, a.localAddress()));
              });
        });
  }
}
