package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.EndOfInputException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized: servers with random slot counts, leases and time limits, attacked at once by slow
 * clients holding slots, clients that go quiet, clients that never read a flood, and resets,
 * while honest clients ask one line each. Checks that every honest client is served (retrying
 * when its connection was taken back), that no more than {@code maxConnections} handlers ever
 * run at once, that no attack is logged as a handler failure, that the server ends (by its stop
 * or by cancellation) with every handler ended and every connection closed, and that no socket
 * leaked. Raise the count with {@code -Deio.stress.iterations=N}.
 */
class FairServerStressTest {
  private enum Attack {
    SLOW, // a valid line every 20 ms
    QUIET, // connects and says nothing
    HOG, // asks for a flood and never reads
    RESET // half a line, then a reset
  }

  @Test
  @Timeout(600)
  void attackersNeverKeepHonestClientsOutAndEveryConnectionIsClosed() {
    int iterations = Integer.getInteger("eio.stress.iterations", 8);
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Map<String, String> socketsBefore = TcpSockets.open();
    long warningsBefore = warnings();
    for (int it = 0; it < iterations; it++) {
      runOnce(rnd.nextLong(), "seed " + seed + ", iteration " + it);
    }
    await().untilAsserted(() -> TcpSockets.assertNoneOpenedSince(socketsBefore));
    assertEquals(warningsBefore, warnings(), "seed " + seed + ": an attack was logged as a handler failure");
  }

  private static long warnings() {
    return CapturingLoggerFinder.records(
            r -> r.logger().equals("dev.eio.net.Net") && r.level().getSeverity() >= System.Logger.Level.WARNING.getSeverity())
        .size();
  }

  private static void runOnce(long iterationSeed, String where) {
    Random rnd = new Random(iterationSeed);
    int slots = 1 + rnd.nextInt(4);
    ServerOptions options =
        ServerOptions.defaults()
            .withMaxConnections(slots)
            .withAcceptLoops(1 + rnd.nextInt(2))
            .withSlotLease(Duration.ofMillis(30 + rnd.nextInt(70)))
            .withReadTimeout(Duration.ofMillis(100 + rnd.nextInt(200)))
            .withWriteTimeout(Duration.ofMillis(100 + rnd.nextInt(200)));
    List<Attack> attacks =
        IntStream.range(0, rnd.nextInt(slots + 3)).mapToObj(i -> Attack.values()[rnd.nextInt(4)]).toList();
    int honest = 3 + rnd.nextInt(6);
    boolean cancel = rnd.nextBoolean();
    AtomicInteger live = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    ConcurrentLinkedQueue<Connection> serverSide = new ConcurrentLinkedQueue<>();
    AtomicInteger outlasted = new AtomicInteger();
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, TcpTest.LOOPBACK, ListenOptions.defaults().withBacklog(64));
                Promise<Void> stop = Promise.create();
                Promise<Void> done = Promise.create();
                Promise<Void> server =
                    sw.forkPromise(
                        () -> {
                          try {
                            Cancel.sub(
                                ctx -> {
                                  if (cancel) {
                                    sw.fork(() -> { stop.await(); ctx.cancel(new RuntimeException("cancelled")); });
                                  }
                                  Net.runServer(l, c -> handle(c, live, most, started, ended, serverSide), cancel ? options : options.withStop(stop));
                                });
                          } catch (Cancelled expected) {
                            assertTrue(cancel, where + ": " + expected);
                          }
                          return null;
                        });
                for (Attack a : attacks) {
                  sw.fork(() -> attack(env, net, (InetSocketAddress) l.localAddress(), a, done, outlasted));
                }
                List<String> replies =
                    Fiber.map(IntStream.range(0, honest).boxed().toList(), honest, i -> askUntilServed(net, l, "honest " + i, where));
                assertEquals(IntStream.range(0, honest).mapToObj(i -> "HONEST " + i).toList(), replies, where);
                done.resolve(null);
                stop.resolve(null);
                server.await();
                // A slow client that kept its slot for its whole 5 s kept honest clients waiting.
                assertEquals(0, outlasted.get(), where + ": slow clients outlasted the honest ones");
                assertTrue(most.get() <= slots, where + ": " + most.get() + " at once, " + slots + " slots");
                assertEquals(started.get(), ended.get(), where);
                for (Connection c : serverSide) {
                  assertTrue(c.isClosed(), where + ": " + c);
                }
              });
        });
  }

  private static void handle(
      Connection c,
      AtomicInteger live,
      AtomicInteger most,
      AtomicInteger started,
      AtomicInteger ended,
      ConcurrentLinkedQueue<Connection> serverSide) {
    started.incrementAndGet();
    most.accumulateAndGet(live.incrementAndGet(), Math::max);
    serverSide.add(c);
    try {
      BufReader in = BufReader.of(c, 1024);
      while (!in.atEndOfInput()) {
        String line = in.line();
        if (line.equals("flood")) {
          for (int i = 0; i < 256; i++) { // 16 MiB at most
            c.write(new byte[64 * 1024]);
          }
        } else {
          c.write((line.toUpperCase() + "\n").getBytes(UTF_8));
        }
      }
    } finally {
      live.decrementAndGet();
      ended.incrementAndGet();
    }
  }

  /** Asks {@code line}, again when the connection was taken back or cut (at most 100 times). */
  private static String askUntilServed(Net net, Listener l, String line, String where) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return ServerTest.ask(net, l.localAddress(), line);
      } catch (UncheckedIOException | EndOfInputException e) {
        last = e;
      }
    }
    throw new AssertionError(where + ": " + line + " was never served", last);
  }

  /**
   * One attacker, until {@code done} (at most 250 rounds of 20 ms); ends quietly when the server
   * cuts it off. A slow one that runs out of rounds first counts in {@code outlasted}.
   */
  private static void attack(
      Env env, Net net, InetSocketAddress server, Attack a, Promise<Void> done, AtomicInteger outlasted) {
    try {
      if (a == Attack.RESET) {
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
          s.getOutputStream().write("half a li".getBytes(UTF_8));
          env.clock().sleep(Duration.ofMillis(20));
          s.setSoLinger(true, 0);
        }
        return;
      }
      Switch.run(
          csw -> {
            Connection c = net.connect(csw, server);
            BufReader in = BufReader.of(c, 1024);
            if (a == Attack.HOG) {
              c.write("flood\n".getBytes(UTF_8));
            }
            for (int n = 0; n < 250 && !done.isResolved(); n++) {
              if (a == Attack.SLOW) {
                c.write(("slow " + n + "\n").getBytes(UTF_8));
                in.line();
              }
              env.clock().sleep(Duration.ofMillis(20));
            }
            if (a == Attack.SLOW && !done.isResolved()) {
              outlasted.incrementAndGet();
            }
            if (a == Attack.QUIET) {
              c.readTimeout(Duration.ofMillis(1));
              c.read(ByteBuffer.allocate(1)); // -1 once the server dropped it
            }
          });
    } catch (UncheckedIOException | EndOfInputException e) {
      // Cut off by the server: what the defences are for.
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
