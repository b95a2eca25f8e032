package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.Time;
import dev.eio.io.BufReader;
import dev.eio.net.Connection;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.parallel.DomainManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients cancelled at random points (connecting, mid-line, mid-batch, waiting for replies)
 * against one fib server: the server must keep serving, and every reply a client reads must be
 * the right one for its request, in order (nothing lost, nothing twice, nothing swapped).
 */
@Timeout(30)
class FibServerStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 40);

  @Test
  void randomlyCancelledClientsNeverBreakTheServerNorGetAWrongReply() {
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger replies = new AtomicInteger();
    Random rnd = new Random(20261122);
    Eio.run(
        env ->
            Switch.run(
                "stress",
                sw -> {
                  DomainManager domains = DomainManager.create(sw, 2);
                  Net net = Net.of(env);
                  Listener listener = net.listen(sw, FibServer.loopback(0));
                  sw.forkDaemon(() -> FibServer.serve(listener, domains));
                  int port = FibServer.port(listener);
                  for (int i = 0; i < ITERATIONS; i++) {
                    List<Long> seeds = IntStream.range(0, 1 + rnd.nextInt(4)).mapToObj(c -> rnd.nextLong()).toList();
                    Fiber.forEach(
                        seeds,
                        seeds.size(),
                        seed -> {
                          Random r = new Random(seed);
                          Duration budget = Duration.ofNanos(1000L * r.nextInt(4000));
                          boolean done =
                              Time.withTimeout(
                                  env.clock(), budget, () -> client(net, port, r, replies));
                          (done ? completed : cancelled).incrementAndGet();
                        });
                    // Whatever the last clients did to their connections, a new one is served.
                    assertEquals(
                        "6765",
                        Switch.call(
                            csw -> {
                              Connection c = net.connect(csw, FibServer.loopback(port));
                              c.write("fib 20\n".getBytes(StandardCharsets.US_ASCII));
                              return BufReader.of(c, 64).line();
                            }),
                        "round " + i);
                  }
                }));
    assertTrue(completed.get() + cancelled.get() >= ITERATIONS, completed + " + " + cancelled);
    assertTrue(replies.get() > 0, "some replies were read and checked");
  }

  /** Sends a random batch of requests (sometimes ending mid-line) and checks every reply read. */
  private static void client(Net net, int port, Random r, AtomicInteger replies) {
    Switch.run(
        "client",
        sw -> {
          Connection conn = net.connect(sw, FibServer.loopback(port));
          BufReader in = BufReader.of(conn, 256);
          int batches = 1 + r.nextInt(3);
          for (int b = 0; b < batches; b++) {
            int[] ns = r.ints(1 + r.nextInt(5), 0, 26).toArray();
            StringBuilder req = new StringBuilder();
            for (int n : ns) {
              req.append("fib ").append(n).append('\n');
            }
            if (r.nextInt(5) == 0) {
              req.append("fib 1"); // half a line: this connection ends without its newline
            }
            conn.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            for (int n : ns) {
              assertEquals(Long.toString(FibServer.fibIterative(n)), in.line(), "reply to fib " + n);
              replies.incrementAndGet();
            }
            if (req.charAt(req.length() - 1) != '\n') {
              conn.shutdown(dev.eio.io.ShutdownCommand.SEND);
              assertEquals(
                  "error: incomplete request 'fib 1': the input ended before its newline", in.line());
              assertTrue(in.atEndOfInput(), "the server ends the connection after the end of input");
              return;
            }
          }
        });
  }
}
