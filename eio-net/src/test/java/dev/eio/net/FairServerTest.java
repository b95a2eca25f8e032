package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.EndOfInputException;
import dev.eio.io.ShutdownCommand;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacker's tests of the server's defaults (ADR 23): slow clients holding every slot, a
 * client that never reads, resets in the middle of a request, failing handlers. Each would hang
 * or stop the whole server without its defence; the waits are hang guards, not speed checks.
 */
@Timeout(60)
class FairServerTest {
  static final InetSocketAddress LOOPBACK = TcpTest.LOOPBACK;

  /** Generous: each defence below acts within a fraction of a second. */
  static final Duration GUARD = Duration.ofSeconds(15);

  /** Replies to each line with it upper-cased, until end of input. */
  static final ConnectionHandler UPPER_LINES =
      c -> {
        BufReader in = BufReader.of(c, 1024);
        while (!in.atEndOfInput()) {
          c.write((in.line().toUpperCase() + "\n").getBytes(UTF_8));
        }
      };

  @Test
  void slowClientsHoldingEverySlotMakeRoomForAWaitingClient() {
    int slots = 4;
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger live = new AtomicInteger();
          AtomicInteger most = new AtomicInteger();
          Queue<String> closed = new ConcurrentLinkedQueue<>();
          Promise<Void> enough = Promise.create();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                Promise<Void> server =
                    ServerTest.forkServer(
                        sw,
                        l,
                        c -> {
                          most.accumulateAndGet(live.incrementAndGet(), Math::max);
                          try {
                            UPPER_LINES.handle(c);
                          } finally {
                            live.decrementAndGet();
                          }
                        },
                        ServerOptions.defaults()
                            .withMaxConnections(slots)
                            .withSlotLease(Duration.ofMillis(300))
                            .withStop(stop));
                // One at a time, so "slow 0" holds its slot longest.
                for (int i = 0; i < slots; i++) {
                  String name = "slow " + i;
                  sw.fork(() -> slowClient(env, net, l.localAddress(), name, enough, closed));
                  int served = i + 1;
                  await().atMost(GUARD).until(() -> live.get() == served);
                }
                // Every slot is held by a valid client sending a line every 100 ms, for 30 s.
                Promise<String> late = sw.forkPromise(() -> ServerTest.ask(net, l.localAddress(), "me too"));
                await().atMost(GUARD).until(late::isResolved);
                assertEquals("ME TOO", late.await());
                // The evicted client notices at its next line.
                await().atMost(GUARD).until(() -> !closed.isEmpty());
                assertEquals("slow 0", closed.peek(), "the oldest connection made room: " + closed);
                assertTrue(most.get() <= slots, "at most " + slots + " at once, saw " + most.get());
                enough.resolve(null);
                stop.resolve(null);
                server.await();
              });
        });
  }

  @Test
  void cancellingAFullServerEndsEveryConnectionAndTheClientWaitingForASlot() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger live = new AtomicInteger();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> cancelled = Promise.create();
                Promise<Void> run =
                    sw.forkPromise(
                        () -> {
                          Cancelled c =
                              assertThrows(
                                  Cancelled.class,
                                  () ->
                                      Cancel.sub(
                                          ctx -> {
                                            sw.fork(() -> { cancelled.await(); ctx.cancel(new RuntimeException("shut down")); });
                                            Net.runServer(
                                                l,
                                                c2 -> {
                                                  live.incrementAndGet();
                                                  UPPER_LINES.handle(c2);
                                                },
                                                // Long limits: only the cancellation can end them.
                                                ServerOptions.defaults()
                                                    .withMaxConnections(1)
                                                    .withSlotLease(Duration.ofMinutes(10))
                                                    .withReadTimeout(Duration.ofMinutes(10)));
                                          }));
                          assertEquals("shut down", c.reason().getMessage());
                          return null;
                        });
                Connection holder = net.connect(sw, l.localAddress());
                holder.write("hold\n".getBytes(UTF_8));
                BufReader holderIn = BufReader.of(holder, 1024);
                assertEquals("HOLD", holderIn.line());
                Connection waiter = net.connect(sw, l.localAddress()); // accepted, waits for the slot
                waiter.write("wait\n".getBytes(UTF_8));
                cancelled.resolve(null);
                run.await();
                assertFalse(l.isOpen());
                assertTrue(holderIn.atEndOfInput(), "the served connection was closed");
                assertEquals(-1, endOf(waiter), "the waiting client was closed unserved");
                assertEquals(1, live.get());
              });
        });
  }

  /** Reads {@code c} to its end: -1 at end of input, also when it ends with a reset. */
  private static int endOf(Connection c) {
    try {
      return c.read(ByteBuffer.allocate(16));
    } catch (PeerIOException reset) {
      return -1;
    }
  }

  /** Sends a valid line every 100 ms (at most 300) until {@code enough}; notes when closed. */
  private static void slowClient(
      Env env, Net net, SocketAddress server, String name, Promise<Void> enough, Queue<String> closed) {
    Switch.run(
        csw -> {
          Connection c = net.connect(csw, server);
          BufReader in = BufReader.of(c, 1024);
          try {
            for (int n = 0; n < 300 && !enough.isResolved(); n++) {
              c.write((name + " line " + n + "\n").getBytes(UTF_8));
              assertEquals((name + " line " + n).toUpperCase(), in.line());
              env.clock().sleep(Duration.ofMillis(100));
            }
          } catch (PeerIOException | EndOfInputException e) {
            closed.add(name); // the server closed this connection
          }
        });
  }

  @Test
  void aClientThatNeverReadsFailsTheHandlersWriteAndOthersAreStillServed() {
    int block = 64 * 1024;
    int blocks = 1024; // 64 MiB: far more than the socket buffers hold
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Promise<Throwable> writeEnded = Promise.create();
          AtomicLong written = new AtomicLong();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                Promise<Void> server =
                    ServerTest.forkServer(
                        sw,
                        l,
                        endingIn(
                            writeEnded,
                            c -> {
                              String line = BufReader.of(c, 1024).line();
                              if (!line.equals("flood")) {
                                c.write((line.toUpperCase() + "\n").getBytes(UTF_8));
                                return;
                              }
                              for (int i = 0; i < blocks; i++) {
                                c.write(new byte[block]);
                                written.addAndGet(block);
                              }
                            }),
                        ServerOptions.defaults().withWriteTimeout(Duration.ofMillis(300)).withStop(stop));
                Switch.run(
                    csw -> {
                      Connection hog = net.connect(csw, l.localAddress());
                      hog.write("flood\n".getBytes(UTF_8)); // and never reads
                      assertEquals(hog.localAddress(), timedOut(writeEnded).peer());
                      assertTrue(written.get() < (long) block * blocks, "wrote " + written.get());
                      // The server closed it: what was sent can be drained, then it ends.
                      assertEquals(written.get(), drain(hog, (long) block * blocks), "bytes before the end");
                    });
                assertEquals("STILL SERVING", ServerTest.ask(net, l.localAddress(), "still serving"));
                stop.resolve(null);
                server.await();
              });
        });
  }

  /**
   * {@code handler}, resolving {@code ended} with the failure of the first connection to end
   * ({@code null} when it returns).
   */
  private static ConnectionHandler endingIn(Promise<Throwable> ended, ConnectionHandler handler) {
    return c -> {
      try {
        handler.handle(c);
      } catch (RuntimeException e) {
        ended.tryResolve(e);
        throw e;
      }
      ended.tryResolve(null);
    };
  }

  /** Waits for {@code ended} and checks it is a time limit's failure. */
  private static PeerIOException timedOut(Promise<Throwable> ended) {
    await().atMost(GUARD).until(ended::isResolved);
    PeerIOException e = assertInstanceOf(PeerIOException.class, ended.await());
    assertInstanceOf(SocketTimeoutException.class, e.getCause(), e.toString());
    return e;
  }

  /** Reads to the end (end of input or a reset), at most {@code bound} bytes; how many arrived. */
  private static long drain(Connection c, long bound) {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    long total = 0;
    try {
      int n;
      while (total <= bound && (n = c.read(buf)) != -1) {
        total += n;
        buf.clear();
      }
    } catch (PeerIOException reset) {
      return total; // the close raced with unread bytes; still an end
    }
    return total;
  }

  @Test
  void aClientThatGoesQuietIsDroppedAfterTheReadTimeout() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Promise<Throwable> readEnded = Promise.create();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                Promise<Void> server =
                    ServerTest.forkServer(
                        sw,
                        l,
                        endingIn(readEnded, UPPER_LINES),
                        ServerOptions.defaults().withReadTimeout(Duration.ofMillis(300)).withStop(stop));
                Switch.run(
                    csw -> {
                      Connection quiet = net.connect(csw, l.localAddress());
                      quiet.write("hello\n".getBytes(UTF_8));
                      BufReader in = BufReader.of(quiet, 1024);
                      assertEquals("HELLO", in.line());
                      // Says nothing more: the server's next read runs out of time.
                      assertEquals(quiet.localAddress(), timedOut(readEnded).peer());
                      assertTrue(in.atEndOfInput(), "the server closed the connection");
                    });
                assertEquals("NEXT", ServerTest.ask(net, l.localAddress(), "next"));
                stop.resolve(null);
                server.await();
              });
        });
  }

  @Test
  void aResetInTheMiddleOfARequestEndsOnlyThatConnectionWithTheDefaults() throws Exception {
    int resets = 10;
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger started = new AtomicInteger();
          AtomicInteger ended = new AtomicInteger();
          Set<SocketAddress> resetters = ConcurrentHashMap.newKeySet();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                Promise<Void> server =
                    ServerTest.forkServer(
                        sw,
                        l,
                        c -> {
                          started.incrementAndGet();
                          try {
                            UPPER_LINES.handle(c);
                          } finally {
                            ended.incrementAndGet();
                          }
                        },
                        ServerOptions.defaults().withStop(stop));
                Connection steady = net.connect(sw, l.localAddress());
                BufReader steadyIn = BufReader.of(steady, 1024);
                steady.write("before\n".getBytes(UTF_8));
                assertEquals("BEFORE", steadyIn.line());
                InetSocketAddress addr = (InetSocketAddress) l.localAddress();
                for (int i = 0; i < resets; i++) {
                  try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                    resetters.add(s.getLocalSocketAddress());
                    s.getOutputStream().write("half a req".getBytes(UTF_8));
                    int expected = i + 2; // the steady client's handler, and this one's
                    await().atMost(GUARD).until(() -> started.get() == expected);
                    s.setSoLinger(true, 0); // close sends a reset
                  }
                }
                await().atMost(GUARD).until(() -> ended.get() == resets);
                steady.write("after\n".getBytes(UTF_8));
                assertEquals("AFTER", steadyIn.line()); // the same connection, still served
                assertEquals("NEW", ServerTest.ask(net, addr, "new"));
                assertTrue(l.isOpen());
                assertFalse(server.isResolved());
                // Each reset was logged as the peer's failure, at DEBUG.
                List<CapturingLoggerFinder.Entry> logged =
                    CapturingLoggerFinder.records(
                        r -> r.thrown() instanceof PeerIOException p && resetters.contains(p.peer()));
                assertEquals(resets, logged.size(), logged.toString());
                assertTrue(logged.stream().allMatch(r -> r.level() == System.Logger.Level.DEBUG), logged.toString());
                assertTrue(logged.stream().allMatch(r -> r.logger().equals("dev.eio.net.Net")), logged.toString());
                steady.shutdown(ShutdownCommand.SEND);
                stop.resolve(null);
                server.await();
              });
        });
  }

  @Test
  void aHandlerFailureIsLoggedByDefaultAndTheServerKeepsServing() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                String token = "bad request " + System.nanoTime();
                Promise<Void> server = ServerTest.forkServer(sw, l, failingOn(token), ServerOptions.defaults().withStop(stop));
                Switch.run(
                    csw -> {
                      Connection c = net.connect(csw, l.localAddress());
                      c.write((token + "\n").getBytes(UTF_8));
                      assertEquals(-1, c.read(ByteBuffer.allocate(1))); // its connection ended
                    });
                await()
                    .atMost(GUARD)
                    .until(() -> !CapturingLoggerFinder.records(r -> r.thrown() != null && token.equals(r.thrown().getMessage())).isEmpty());
                CapturingLoggerFinder.Entry e =
                    CapturingLoggerFinder.records(r -> r.thrown() != null && token.equals(r.thrown().getMessage())).getFirst();
                assertEquals(System.Logger.Level.WARNING, e.level());
                assertEquals("dev.eio.net.Net", e.logger());
                assertInstanceOf(IllegalStateException.class, e.thrown());
                assertEquals("FINE", ServerTest.ask(net, l.localAddress(), "fine"));
                assertFalse(server.isResolved());
                stop.resolve(null);
                server.await();
              });
        });
  }

  @Test
  void withStopOnErrorTheFirstHandlerFailureStopsTheServerAndIsRethrownButAResetIsNot() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                String token = "fatal " + System.nanoTime();
                Promise<Void> server =
                    ServerTest.forkServer(sw, l, failingOn(token), ServerOptions.defaults().withStopOnError(true));
                InetSocketAddress addr = (InetSocketAddress) l.localAddress();
                try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                  s.getOutputStream().write("half".getBytes(UTF_8));
                  s.setSoLinger(true, 0); // the peer's failure: ends that connection only
                }
                assertEquals("STILL UP", ServerTest.ask(net, addr, "still up"));
                Connection c = net.connect(sw, addr);
                c.write((token + "\n").getBytes(UTF_8));
                IllegalStateException e = assertThrows(IllegalStateException.class, server::await);
                assertEquals(token, e.getMessage());
                assertFalse(l.isOpen());
              });
        });
  }

  @Test
  void runningOutOfDescriptorsDelaysAcceptingButDoesNotStopTheServer() throws Exception {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                Promise<Void> server = ServerTest.forkServer(sw, l, UPPER_LINES, ServerOptions.defaults().withStop(stop));
                assertEquals("FIRST", ServerTest.ask(net, l.localAddress(), "first"));
                int failuresBefore = acceptFailures(l).size();
                // Classes loaded from a directory need a descriptor each (a jar is open already):
                // load them now, or the first one needed later fails instead of the accept.
                for (Class<?> anchor : List.of(Net.class, Switch.class, FairServerTest.class)) {
                  loadEveryClassBeside(anchor);
                }
                SocketChannel client = SocketChannel.open(); // its descriptor, while there are some
                List<FileChannel> hogs = new ArrayList<>();
                try {
                  try {
                    while (hogs.size() < 1_000_000) {
                      hogs.add(FileChannel.open(Path.of("/dev/null")));
                    }
                  } catch (IOException outOfDescriptors) {
                    // what the attacker's connections would do
                  }
                  client.connect(l.localAddress()); // the kernel completes it; accept has no descriptor
                  await().atMost(GUARD).until(() -> acceptFailures(l).size() > failuresBefore);
                } finally {
                  for (FileChannel h : hogs) {
                    h.close();
                  }
                }
                assertFalse(server.isResolved(), "the server is still running");
                client.write(ByteBuffer.wrap("second\n".getBytes(UTF_8)));
                ByteBuffer reply = ByteBuffer.allocate(7);
                while (reply.hasRemaining() && client.read(reply) != -1) {
                  // until the whole reply is in
                }
                assertEquals("SECOND\n", new String(reply.array(), UTF_8));
                client.close();
                stop.resolve(null);
                server.await();
              });
        });
  }

  /** Loads (without initializing) every class of the directory {@code anchor} was loaded from. */
  private static void loadEveryClassBeside(Class<?> anchor) throws Exception {
    Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!java.nio.file.Files.isDirectory(root)) {
      return; // a jar: open already
    }
    try (var files = java.nio.file.Files.walk(root)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
        String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.endsWith("module-info") || name.endsWith("package-info")) {
          continue;
        }
        try {
          Class.forName(name, false, anchor.getClassLoader());
        } catch (LinkageError notForThisJvm) {
          // such as a class compiled for preview features, in a JVM without them
        }
      }
    }
  }

  private static List<CapturingLoggerFinder.Entry> acceptFailures(Listener l) {
    return CapturingLoggerFinder.records(
        r -> r.level() == System.Logger.Level.WARNING && r.message().startsWith("accept on " + l.localAddress()));
  }

  /** Replies to lines upper-cased; throws {@code IllegalStateException(token)} on {@code token}. */
  private static ConnectionHandler failingOn(String token) {
    return c -> {
      BufReader in = BufReader.of(c, 1024);
      while (!in.atEndOfInput()) {
        String line = in.line();
        if (line.equals(token)) {
          throw new IllegalStateException(token);
        }
        c.write((line.toUpperCase() + "\n").getBytes(UTF_8));
      }
    };
  }
}
