package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LookupTest {
  static final InetAddress LOOP = InetAddress.getLoopbackAddress();

  @Test
  void getaddrinfoReturnsEveryAddressWithThePort() {
    Eio.run(
        env -> {
          Net net = new Net(env.clock(), 2, host -> new InetAddress[] {LOOP, InetAddress.getByName("::1")});
          List<InetSocketAddress> got = net.getaddrinfo("example.test", 8080);
          assertEquals(2, got.size());
          assertEquals(new InetSocketAddress(LOOP, 8080), got.get(0));
          assertEquals(8080, got.get(1).getPort());
        });
  }

  @Test
  void getaddrinfoOfLocalhostUsesTheSystemResolver() {
    Eio.run(
        env -> {
          List<InetSocketAddress> got = Net.of(env).getaddrinfo("localhost", 80);
          assertFalse(got.isEmpty());
          assertTrue(got.stream().allMatch(a -> a.getAddress().isLoopbackAddress()), got.toString());
        });
  }

  @Test
  void getaddrinfoThrowsRatherThanReturningNothing() {
    Eio.run(
        env -> {
          Net empty = new Net(env.clock(), 1, host -> new InetAddress[0]);
          UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> empty.getaddrinfo("nowhere", 1));
          assertInstanceOf(UnknownHostException.class, e.getCause());
          Net unknown = new Net(env.clock(), 1, host -> { throw new UnknownHostException(host); });
          e = assertThrows(UncheckedIOException.class, () -> unknown.getaddrinfo("nowhere", 1));
          assertInstanceOf(UnknownHostException.class, e.getCause());
          assertEquals("no address for host nowhere", e.getMessage());
          assertEquals("port must be in 0..65535, got 70000",
              assertThrows(IllegalArgumentException.class, () -> unknown.getaddrinfo("x", 70000)).getMessage());
        });
  }

  @Test
  void lookupsRunAtMostMaxConcurrentAtOnce() {
    Eio.run(
        env -> {
          AtomicInteger running = new AtomicInteger();
          AtomicInteger most = new AtomicInteger();
          AtomicInteger entered = new AtomicInteger();
          Promise<Void> release = Promise.create();
          Net net =
              new Net(
                  env.clock(),
                  3,
                  host -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    entered.incrementAndGet();
                    try {
                      release.await();
                    } finally {
                      running.decrementAndGet();
                    }
                    return new InetAddress[] {LOOP};
                  });
          Switch.run(
              sw -> {
                Promise<List<Integer>> all =
                    sw.forkPromise(
                        () ->
                            Fiber.map(
                                IntStream.range(0, 10).boxed().toList(),
                                10,
                                i -> net.getaddrinfo("h" + i, i).get(0).getPort()));
                await().until(() -> entered.get() == 3);
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> entered.get() == 3);
                release.resolve(null);
                assertEquals(IntStream.range(0, 10).boxed().toList(), all.await());
                assertEquals(3, most.get());
              });
        });
  }

  @Test
  void withTcpConnectTriesEachAddressInTurn() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener closed = net.listen(sw, TcpTest.LOOPBACK);
                InetSocketAddress dead = (InetSocketAddress) closed.localAddress();
                closed.close();
                Listener l = net.listen(sw, TcpTest.LOOPBACK);
                sw.fork(() -> l.acceptFork(sw, ServerTest.UPPER, null));
                String reply =
                    net.withTcpConnect(
                        List.of(dead, (InetSocketAddress) l.localAddress()),
                        Duration.ofSeconds(5),
                        c -> {
                          c.write("second\n".getBytes(UTF_8));
                          return BufReader.of(c).line();
                        },
                        "test");
                assertEquals("SECOND", reply);
              });
        });
  }

  @Test
  void withTcpConnectNamesEveryAddressWhenAllFail() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener a = net.listen(sw, TcpTest.LOOPBACK);
                Listener b = net.listen(sw, TcpTest.LOOPBACK);
                var addrs = List.of((InetSocketAddress) a.localAddress(), (InetSocketAddress) b.localAddress());
                a.close();
                b.close();
                UncheckedIOException e =
                    assertThrows(
                        UncheckedIOException.class,
                        () -> net.withTcpConnect(addrs, Duration.ofSeconds(5), c -> "never", "svc:1"));
                assertTrue(e.getMessage().contains(addrs.get(0).toString()), e.getMessage());
                assertTrue(e.getMessage().contains(addrs.get(1).toString()), e.getMessage());
                assertEquals(2, e.getSuppressed().length);
              });
        });
  }

  @Test
  void withTcpConnectByNameReachesALocalServerAndClosesTheConnectionAfter() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                // Listen on every loopback address "localhost" may resolve to, on one port.
                Listener l = net.listen(sw, new InetSocketAddress(LOOP, 0));
                int port = ((InetSocketAddress) l.localAddress()).getPort();
                sw.fork(() -> l.acceptFork(sw, ServerTest.UPPER, null));
                Connection[] used = new Connection[1];
                String reply =
                    net.withTcpConnect(
                        LOOP.getHostAddress(),
                        port,
                        Duration.ofSeconds(5),
                        c -> {
                          used[0] = c;
                          c.write("by name\n".getBytes(UTF_8));
                          return BufReader.of(c).line();
                        });
                assertEquals("BY NAME", reply);
                assertTrue(used[0].isClosed());
              });
        });
  }

  @Test
  void aLookupWaitingForASlotIsCancellable() {
    Eio.run(
        env -> {
          Promise<Void> release = Promise.create();
          java.util.concurrent.CountDownLatch inLookup = new java.util.concurrent.CountDownLatch(1);
          Net net =
              new Net(
                  env.clock(),
                  1,
                  host -> {
                    inLookup.countDown();
                    release.await();
                    return new InetAddress[] {LOOP};
                  });
          Switch.run(
              sw -> {
                Promise<List<InetSocketAddress>> first = sw.forkPromise(() -> net.getaddrinfo("a", 1));
                inLookup.await();
                dev.eio.Cancelled c =
                    assertThrows(
                        dev.eio.Cancelled.class,
                        () ->
                            Cancel.sub(
                                ctx ->
                                    Switch.run(
                                        inner -> {
                                          inner.fork(() -> net.getaddrinfo("b", 2));
                                          ctx.cancel(new RuntimeException("gave up"));
                                        })));
                assertEquals("gave up", c.reason().getMessage());
                release.resolve(null);
                assertEquals(1, first.await().get(0).getPort());
                // The cancelled waiter did not keep the slot.
                assertEquals(3, net.getaddrinfo("c", 3).get(0).getPort());
              });
        });
  }

  @Test
  void aLookupUnderWayIsCancelledAtOnceAndHoldsItsSlotUntilItEnds() {
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    Eio.run(
        env -> {
          Net net =
              new Net(
                  env.clock(),
                  1,
                  host -> {
                    entered.incrementAndGet();
                    // As the JDK's lookup: no interrupt ends it.
                    boolean interrupted = false;
                    while (true) {
                      try {
                        answer.await();
                        break;
                      } catch (InterruptedException e) {
                        interrupted = true;
                      }
                    }
                    if (interrupted) {
                      Thread.currentThread().interrupt();
                    }
                    return new InetAddress[] {LOOP};
                  });
          dev.eio.Cancelled c =
              assertThrows(
                  dev.eio.Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx ->
                              Switch.run(
                                  sw -> {
                                    sw.fork(() -> net.getaddrinfo("slow", 1));
                                    await().until(() -> entered.get() == 1);
                                    ctx.cancel(new RuntimeException("gave up"));
                                  })));
          assertEquals("gave up", c.reason().getMessage());
          Switch.run(
              sw -> {
                // The abandoned lookup still holds the only slot.
                Promise<List<InetSocketAddress>> next = sw.forkPromise(() -> net.getaddrinfo("next", 2));
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> entered.get() == 1);
                assertFalse(next.isResolved());
                answer.countDown();
                assertEquals(2, next.await().get(0).getPort());
                assertEquals(2, entered.get());
              });
        });
  }
}
