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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized: echo servers with random limits and accept loops, clients cancelled at random
 * points, graceful stops. Checks that every client that was not cancelled got exactly its lines
 * back in order, that every handler ended and every server-side connection was closed, and that
 * no descriptor leaked. Raise the count with {@code -Deio.stress.iterations=N}.
 */
@Timeout(30)
class NetStressTest {
  @Test
  void cancelledClientsNeverCorruptOthersAndEveryConnectionIsClosed() {
    int iterations = Integer.getInteger("eio.stress.iterations", 15);
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Map<String, String> socketsBefore = TcpSockets.open();
    for (int it = 0; it < iterations; it++) {
      int maxConnections = rnd.nextInt(6); // 0 = no limit
      int acceptLoops = 1 + rnd.nextInt(3);
      int clients = 5 + rnd.nextInt(20);
      long iterationSeed = rnd.nextLong();
      String where = "seed " + seed + ", iteration " + it;
      runOnce(maxConnections, acceptLoops, clients, iterationSeed, where);
    }
    await().untilAsserted(() -> TcpSockets.assertNoneOpenedSince(socketsBefore));
  }

  @Test
  void stoppingWhileClientsWaitToBeAcceptedLeaksNoSocket() {
    // The stop races with accepts that the kernel may be completing at that moment.
    AtomicInteger served = new AtomicInteger();
    long seed =
        acceptRacesLeakNoSocket(
            (net, sw, l, acceptLoops, yields) -> {
              Promise<Void> stop = Promise.create();
              Promise<Void> server =
                  ServerTest.forkServer(
                      sw,
                      l,
                      c -> served.incrementAndGet(),
                      ServerOptions.defaults().withAcceptLoops(acceptLoops).withStop(stop));
              connectFourThenYield(net, sw, l, yields);
              stop.resolve(null);
              server.await();
            }); // each round's switch closes the clients, and any connection the server still held
    assertTrue(served.get() > 0, "seed " + seed + ": no connection was served at all");
  }

  @Test
  void cancellingABareAcceptWhileClientsConnectLosesNoConnection() {
    // A cancellation races with accepts the kernel may be completing at that moment: each
    // connection must be returned by an accept (then closed by its switch) or never handed over.
    AtomicInteger accepted = new AtomicInteger();
    long seed =
        acceptRacesLeakNoSocket(
            (net, sw, l, acceptors, yields) ->
                assertThrows(
                    Cancelled.class,
                    () ->
                        Cancel.sub(
                            accepting ->
                                Switch.run(
                                    loops -> {
                                      for (int i = 0; i < acceptors; i++) {
                                        loops.fork(
                                            () -> {
                                              while (true) {
                                                l.accept(sw); // owned by sw, closed when it ends
                                                accepted.incrementAndGet();
                                              }
                                            });
                                      }
                                      connectFourThenYield(net, sw, l, yields);
                                      accepting.cancel(null);
                                    }))));
    assertTrue(accepted.get() > 0, "seed " + seed + ": no connection was accepted at all");
  }

  /** One round of an accept race, on a fresh listener in its own switch. */
  private interface AcceptRace {
    void run(Net net, Switch sw, Listener l, int acceptLoops, int yields) throws Exception;
  }

  /**
   * Runs 20 x {@code eio.stress.iterations} rounds of {@code race} with 1 to 3 accept loops and
   * 0 to 99 yields, then checks that no TCP socket was left open; returns the seed.
   */
  private static long acceptRacesLeakNoSocket(AcceptRace race) {
    int rounds = 20 * Integer.getInteger("eio.stress.iterations", 15);
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Map<String, String> socketsBefore = TcpSockets.open();
    Eio.run(
        env -> {
          Net net = Net.of(env);
          for (int r = 0; r < rounds; r++) {
            int acceptLoops = 1 + rnd.nextInt(3);
            int yields = rnd.nextInt(100);
            Switch.run(
                sw ->
                    race.run(
                        net,
                        sw,
                        net.listen(sw, TcpTest.LOOPBACK, ListenOptions.defaults().withBacklog(64)),
                        acceptLoops,
                        yields));
          }
        });
    await().untilAsserted(() -> TcpSockets.assertNoneOpenedSince(socketsBefore));
    return seed;
  }

  /** Opens 4 connections to {@code l} (the kernel completes them, accepted or not), then yields. */
  private static void connectFourThenYield(Net net, Switch sw, Listener l, int yields) {
    for (int i = 0; i < 4; i++) {
      net.connect(sw, l.localAddress());
    }
    for (int i = 0; i < yields; i++) {
      Fiber.yield();
    }
  }

  private static void runOnce(int maxConnections, int acceptLoops, int clients, long seed, String where) {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger started = new AtomicInteger();
          AtomicInteger ended = new AtomicInteger();
          AtomicInteger live = new AtomicInteger();
          AtomicInteger most = new AtomicInteger();
          ConcurrentLinkedQueue<Connection> serverSide = new ConcurrentLinkedQueue<>();
          ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, TcpTest.LOOPBACK, ListenOptions.defaults().withBacklog(64));
                Promise<Void> stop = Promise.create();
                Promise<Void> server =
                    ServerTest.forkServer(
                        sw,
                        l,
                        c -> {
                          started.incrementAndGet();
                          most.accumulateAndGet(live.incrementAndGet(), Math::max);
                          serverSide.add(c);
                          try {
                            BufReader in = BufReader.of(c, 256);
                            while (!in.atEndOfInput()) {
                              c.write((in.line() + "\n").getBytes(UTF_8));
                            }
                          } finally {
                            live.decrementAndGet();
                            ended.incrementAndGet();
                          }
                        },
                        ServerOptions.defaults()
                            .withMaxConnections(maxConnections)
                            .withAcceptLoops(acceptLoops)
                            .withStop(stop)
                            // A cancelled client's connection may be reset under the server.
                            .withOnError(errors::add));
                Random rnd = new Random(seed);
                List<long[]> plans = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                  plans.add(new long[] {i, 1 + rnd.nextInt(20), rnd.nextInt(4) == 0 ? rnd.nextInt(40) : -1});
                }
                AtomicInteger connected = new AtomicInteger();
                List<String> outcomes =
                    Fiber.map(plans, clients, p -> client(net, l, (int) p[0], (int) p[1], (int) p[2], connected));
                for (int i = 0; i < clients; i++) {
                  String o = outcomes.get(i);
                  if (plans.get(i)[2] < 0) {
                    assertEquals("ok", o, where + ", client " + i);
                  } else {
                    assertTrue(o.equals("ok") || o.equals("cancelled"), where + ", client " + i + ": " + o);
                  }
                }
                stop.resolve(null);
                server.await();
                assertEquals(started.get(), ended.get(), where);
                // Every client that finished was served; a cancelled one may have been left in the
                // backlog when the server stopped, or been cut off while connecting (after the handshake).
                long ok = outcomes.stream().filter("ok"::equals).count();
                assertTrue(
                    started.get() >= ok && started.get() <= clients && connected.get() >= ok,
                    where + ": " + started + " served, " + connected + " connected, " + ok + " ok");
                assertEquals(0, live.get(), where);
                if (maxConnections > 0) {
                  assertTrue(most.get() <= maxConnections, where + ": " + most.get() + " at once");
                }
                for (Connection c : serverSide) {
                  assertTrue(c.isClosed(), where + ": " + c);
                }
                for (Throwable t : errors) {
                  assertInstanceOf(PeerIOException.class, t, where);
                }
              });
        });
  }

  /** Sends {@code lines} numbered lines, checking each echo; cancelled after {@code cancelAfter} yields. */
  private static String client(
      Net net, Listener l, int id, int lines, int cancelAfter, AtomicInteger connected) {
    try {
      Cancel.sub(
          ctx ->
              Switch.run(
                  sw -> {
                    if (cancelAfter >= 0) {
                      sw.forkDaemon(
                          () -> {
                            for (int i = 0; i < cancelAfter; i++) {
                              Fiber.yield();
                            }
                            ctx.cancel(new RuntimeException("client " + id + " gives up"));
                          });
                    }
                    Connection c = net.connect(sw, l.localAddress());
                    connected.incrementAndGet();
                    BufReader in = BufReader.of(c, 256);
                    for (int i = 0; i < lines; i++) {
                      String line = "client " + id + " line " + i;
                      c.write((line + "\n").getBytes(UTF_8));
                      String echo = in.line();
                      if (!echo.equals(line)) {
                        throw new AssertionError("expected " + line + ", got " + echo);
                      }
                    }
                    c.shutdown(dev.eio.io.ShutdownCommand.SEND);
                    if (!in.atEndOfInput()) {
                      throw new AssertionError("client " + id + ": bytes after the last echo");
                    }
                  }));
      return "ok";
    } catch (Cancelled e) {
      return "cancelled";
    }
  }
}
