package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ServerTest {
  static final InetSocketAddress LOOPBACK = TcpTest.LOOPBACK;

  /** Serves one line per connection: replies with it upper-cased. */
  static final ConnectionHandler UPPER =
      c -> {
        String line = BufReader.of(c, 1024).line();
        c.write((line.toUpperCase() + "\n").getBytes(UTF_8));
      };

  /** Runs {@link Net#runServer} in a new fiber of {@code sw}; resolved when it returns. */
  static Promise<Void> forkServer(Switch sw, Listener l, ConnectionHandler handler, ServerOptions options) {
    return sw.forkPromise(
        () -> {
          Net.runServer(l, handler, options);
          return null;
        });
  }

  static String ask(Net net, SocketAddress server, String line) {
    return Switch.call(
        sw -> {
          Connection c = net.connect(sw, server);
          c.write((line + "\n").getBytes(UTF_8));
          return BufReader.of(c).line();
        });
  }

  @Test
  void acceptForkClosesTheConnectionWhenTheHandlerEnds() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> served = Promise.create();
                sw.fork(
                    () ->
                        l.acceptFork(
                            sw,
                            c -> {
                              c.write("hi".getBytes(UTF_8));
                              served.resolve(c);
                            },
                            null));
                Connection c = net.connect(sw, l.localAddress());
                assertEquals("hi", TcpTest.readAll(c)); // end of input: the server closed it
                await().until(() -> served.await().isClosed());
              });
        });
  }

  @Test
  void onErrorIsNotCalledForCancellation() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          List<Throwable> errors = new CopyOnWriteArrayList<>();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                CountDownLatch inHandler = new CountDownLatch(1);
                assertThrows(
                    Cancelled.class,
                    () ->
                        Cancel.sub(
                            ctx ->
                                Switch.run(
                                    server -> {
                                      server.fork(
                                          () ->
                                              l.acceptFork(
                                                  server,
                                                  c -> {
                                                    inHandler.countDown();
                                                    c.read(ByteBuffer.allocate(8));
                                                  },
                                                  errors::add));
                                      net.connect(sw, l.localAddress());
                                      inHandler.await();
                                      ctx.cancel(new RuntimeException("server shutdown"));
                                    })));
              });
          assertEquals(List.of(), errors);
        });
  }

  @Test
  void ioErrorOfAHandlerCarriesThePeerAddress() throws Exception {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Promise<Throwable> error = Promise.create();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                CountDownLatch readSome = new CountDownLatch(1);
                sw.fork(
                    () ->
                        l.acceptFork(
                            sw,
                            c -> {
                              BufReader in = BufReader.of(c, 1024);
                              in.expectString("GET");
                              readSome.countDown();
                              in.line(); // the rest never comes: the client resets
                            },
                            error::resolve));
                InetSocketAddress server = (InetSocketAddress) l.localAddress();
                try (Socket s = new Socket(server.getAddress(), server.getPort())) {
                  s.getOutputStream().write("GET".getBytes(UTF_8));
                  readSome.await();
                  s.setSoLinger(true, 0); // close sends a reset
                  SocketAddress clientAddr = s.getLocalSocketAddress();
                  s.close();
                  PeerIOException e = assertInstanceOf(PeerIOException.class, error.await());
                  assertEquals(clientAddr, e.peer());
                  assertTrue(e.getMessage().contains(clientAddr.toString()), e.getMessage());
                }
              });
        });
  }

  @Test
  void runServerNeverServesMoreThanMaxConnectionsAtOnceAndServesEveryone() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger live = new AtomicInteger();
          AtomicInteger most = new AtomicInteger();
          Promise<Void> release = Promise.create();
          Promise<Void> stop = Promise.create();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              most.accumulateAndGet(live.incrementAndGet(), Math::max);
                              try {
                                release.await();
                                UPPER.handle(c);
                              } finally {
                                live.decrementAndGet();
                              }
                            },
                            // No lease: the waiting clients must not take the slots of
                            // handlers held up by the test, however long it is held up.
                            ServerOptions.defaults()
                                .withMaxConnections(2)
                                .withSlotLease(Duration.ZERO)
                                .withStop(stop)));
                Promise<List<String>> replies =
                    sw.forkPromise(
                        () ->
                            Fiber.map(
                                IntStream.range(0, 6).boxed().toList(),
                                6,
                                i -> ask(net, l.localAddress(), "client " + i)));
                await().until(() -> live.get() == 2);
                // Excess clients wait in the backlog: the limit holds while they are queued.
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> live.get() == 2);
                release.resolve(null);
                assertEquals(
                    IntStream.range(0, 6).mapToObj(i -> "CLIENT " + i).toList(), replies.await());
                assertEquals(2, most.get());
                stop.resolve(null);
              });
        });
  }

  @Test
  void stopEndsAcceptingLetsLiveConnectionsFinishThenReturns() {
    stopWhileServingOneClient(ServerOptions.defaults());
  }

  @Test
  void stopClosesTheListenerEvenWhenNoAcceptLoopIsBlockedInAccept() {
    // One slot, taken by the live connection: the accept loop waits for the slot, not in accept,
    // so no interrupt of a blocked accept can close the listener for it.
    stopWhileServingOneClient(ServerOptions.defaults().withMaxConnections(1));
  }

  /**
   * Stops a server ({@code options} plus a stop promise) while it serves one client: the listener
   * closes, a new client is refused, the live one is served to the end, then the server returns.
   */
  private static void stopWhileServingOneClient(ServerOptions options) {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                CountDownLatch inHandler = new CountDownLatch(1);
                Promise<Void> server =
                    forkServer(
                        sw,
                        l,
                        c -> {
                          inHandler.countDown();
                          UPPER.handle(c);
                        },
                        options.withStop(stop));
                Connection c = net.connect(sw, l.localAddress());
                inHandler.await();
                stop.resolve(null);
                await().until(() -> !l.isOpen()); // no more accepting
                // Refused, rather than left waiting in the backlog of a listener nobody accepts on.
                assertThrows(UncheckedIOException.class, () -> ask(net, l.localAddress(), "late"));
                assertFalse(server.isResolved()); // the live connection is still being served
                c.write("finish me\n".getBytes(UTF_8));
                assertEquals("FINISH ME", BufReader.of(c).line());
                server.await();
              });
        });
  }

  @Test
  void handlerFailuresGoToOnErrorAndTheServerKeepsServing() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              String line = BufReader.of(c, 1024).line();
                              if (line.equals("boom")) {
                                throw new IllegalStateException("bad request: " + line);
                              }
                              c.write((line + "\n").getBytes(UTF_8));
                            },
                            ServerOptions.defaults().withStop(stop).withOnError(errors::add)));
                Switch.run(
                    csw -> {
                      Connection c = net.connect(csw, l.localAddress());
                      c.write("boom\n".getBytes(UTF_8));
                      assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                    });
                assertEquals("fine", ask(net, l.localAddress(), "fine"));
                stop.resolve(null);
              });
          assertEquals(1, errors.size());
          assertEquals("bad request: boom", errors.peek().getMessage());
        });
  }

  @Test
  void cancellingTheServerClosesTheListenerAndEndsEveryAcceptLoop() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Cancelled c =
                    assertThrows(
                        Cancelled.class,
                        () ->
                            Cancel.sub(
                                ctx ->
                                    Switch.run(
                                        inner -> {
                                          inner.fork(
                                              () ->
                                                  Net.runServer(
                                                      l, UPPER, ServerOptions.defaults().withAcceptLoops(3)));
                                          assertEquals("SERVED", ask(net, l.localAddress(), "served"));
                                          ctx.cancel(new RuntimeException("shut down"));
                                        })));
                assertEquals("shut down", c.reason().getMessage());
                assertFalse(l.isOpen());
              });
        });
  }

  @Test
  void withStopOnErrorAHandlerFailureFailsTheServer() {
    IllegalStateException boom = new IllegalStateException("boom");
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> server =
                    forkServer(sw, l, c -> { throw boom; }, ServerOptions.defaults().withStopOnError(true));
                net.connect(sw, l.localAddress());
                assertSame(boom, assertThrows(IllegalStateException.class, server::await));
              });
        });
  }

  @Test
  void severalAcceptLoopsServeEveryClient() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK, ListenOptions.defaults().withBacklog(256));
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l, UPPER, ServerOptions.defaults().withAcceptLoops(4).withStop(stop)));
                List<String> replies =
                    Fiber.map(
                        IntStream.range(0, 100).boxed().toList(),
                        32,
                        i -> ask(net, l.localAddress(), "c" + i));
                assertEquals(IntStream.range(0, 100).mapToObj(i -> "C" + i).toList(), replies);
                stop.resolve(null);
              });
        });
  }

  @Test
  void serverOptionsRejectBadValuesByName() {
    assertEquals(
        "maxConnections must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withMaxConnections(-1))
            .getMessage());
    assertEquals(
        "acceptLoops must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withAcceptLoops(0))
            .getMessage());
    assertTrue(
        assertThrows(NullPointerException.class, () -> Net.runServer(null, UPPER, ServerOptions.defaults()))
            .getMessage()
            .contains("listener"));
  }
}
