package dev.eio.examples;

import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.net.Connection;
import dev.eio.net.Net;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fib server's load generator, as in the seed experiment: {@code clients} client fibers, each
 * with its own connection and one request in flight at a time, send {@code requests} requests
 * {@code fib <n>} each, check every reply and record its latency.
 *
 * <p><b>Guarantees.</b> {@link #run} returns once every client has had all its replies, with one
 * latency per request (in nanoseconds, from just before the request is written to just after its
 * reply line is read); a wrong or missing reply fails the whole run (the other clients are
 * cancelled) with an exception that names the client and the request. Every connection is closed
 * by its client's switch, however the client ends.
 *
 * <pre>{@code
 * long[] latencies = FibLoad.run(net, port, 10, 10, 30, () -> System.out.print('.'));
 * }</pre>
 */
final class FibLoad {
  private FibLoad() {}

  /**
   * Runs the load against the server on 127.0.0.1:{@code port} and returns the latencies of
   * all {@code clients * requests} requests; {@code onReply} is called after each correct reply
   * (from the client fibers, concurrently).
   */
  static long[] run(Net net, int port, int clients, int requests, int n, Runnable onReply) {
    String expected = Long.toString(FibServer.fibIterative(n));
    byte[] request = ("fib " + n + "\n").getBytes(StandardCharsets.US_ASCII);
    List<long[]> perClient =
        Fiber.map(
            IntStream.range(0, clients).boxed().toList(),
            clients,
            c -> client(net, c, port, requests, request, expected, onReply));
    long[] all = new long[clients * requests];
    for (int c = 0; c < clients; c++) {
      System.arraycopy(perClient.get(c), 0, all, c * requests, requests);
    }
    return all;
  }

  private static long[] client(
      Net net, int id, int port, int requests, byte[] request, String expected, Runnable onReply) {
    return Switch.call(
        "client-" + id,
        sw -> {
          Connection conn = net.connect(sw, FibServer.loopback(port));
          BufReader in = BufReader.of(conn, 256);
          long[] latencies = new long[requests];
          for (int r = 0; r < requests; r++) {
            long t0 = System.nanoTime();
            conn.write(request);
            String reply = in.line();
            latencies[r] = System.nanoTime() - t0;
            if (!reply.equals(expected)) {
              throw new IllegalStateException(
                  "client " + id + ", request " + r + ": expected " + expected + ", got '" + reply
                      + "'");
            }
            onReply.run();
          }
          return latencies;
        });
  }
}
