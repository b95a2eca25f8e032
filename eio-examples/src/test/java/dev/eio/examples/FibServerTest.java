package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.parallel.DomainManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FibServerTest {
  /** The CI parameters: tiny, so the test takes a second. */
  private static final String[] SMALL = {
    "--n", "20", "--clients", "2", "--requests", "3", "--domains", "2", "--no-chart"
  };

  private record Output(int code, String out, String err) {}

  private static Output run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        FibServer.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The table's data rows, split into trimmed cells. */
  private static List<String[]> tableRows(String out) {
    List<String[]> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.matches("\\| \\d+ \\|.*")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|");
        rows.add(Arrays.stream(cells).map(String::strip).toArray(String[]::new));
      }
    }
    return rows;
  }

  /** A duration cell ("12.3 ms", "1.23 s") in nanoseconds. */
  private static double nanos(String cell) {
    if (cell.endsWith(" ms")) {
      return number(cell) * 1e6;
    }
    assertTrue(cell.endsWith(" s"), "a duration: " + cell);
    return number(cell) * 1e9;
  }

  private static double number(String cell) {
    return Double.parseDouble(cell.replaceAll("[^0-9.]", ""));
  }

  @Test
  void theTableHasOneRowPerDomainCountWithSaneNumbers() {
    Output o = run(SMALL);
    assertEquals(0, o.code(), o.err());
    assertEquals("", o.err());
    assertTrue(o.out().contains("2 clients x 3 requests of fib(20), 1..2 domains"), o.out());
    assertTrue(o.out().contains("| domains | wall time | speedup | efficiency | requests/s | p50 | p99 |"), o.out());
    List<String[]> rows = tableRows(o.out());
    assertEquals(2, rows.size(), o.out());
    for (int d = 1; d <= 2; d++) {
      String[] r = rows.get(d - 1);
      assertEquals(String.valueOf(d), r[0], "domains column");
      assertTrue(nanos(r[1]) > 0, "wall time " + r[1]);
      double speedup = number(r[2]);
      assertTrue(speedup > 0, "speedup " + r[2]);
      assertEquals(
          Math.round(100 * speedup / d), number(r[3]), 1.0, "efficiency is speedup / domains");
      assertTrue(number(r[4]) > 0, "requests/s " + r[4]);
      assertTrue(nanos(r[5]) <= nanos(r[6]), "p50 <= p99: " + r[5] + " " + r[6]);
      assertTrue(nanos(r[6]) <= nanos(r[1]), "p99 <= the wall time: " + r[6] + " " + r[1]);
      assertTrue(number(r[7]) >= 0, "cores busy " + r[7]);
    }
    assertEquals("1.00", rows.get(0)[2], "the first row is the baseline");
    // progress: one line per row, each with all its requests
    assertEquals(2, o.out().lines().filter(l -> l.contains("6 requests in")).count(), o.out());
  }

  @Test
  void theChartShowsEveryRowOfTheTable(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("charts/fib.svg");
    Output o = run("--n", "20", "--clients", "2", "--requests", "3", "--domains", "3", "--chart", svg.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().endsWith("chart: " + svg + " (speedup and requests/s against domains)\n"), o.out());
    String doc = Files.readString(svg);
    assertTrue(doc.startsWith("<?xml") && doc.strip().endsWith("</svg>"), doc.substring(0, 100));
    assertTrue(doc.contains("speedup") && doc.contains("requests/s"), "axis and legend text");
    // The same figures as the table: one data row per domain count, drawn from the table's rows.
    List<FibServer.Row> rows =
        List.of(
            new FibServer.Row(1, 4_000_000_000L, 100, 1, 2, 3),
            new FibServer.Row(2, 2_000_000_000L, 100, 1, 2, 3));
    var plot = FibServerChart.chart(rows).getXYPlot();
    assertEquals(2.0, plot.getDataset(0).getYValue(0, 1), 1e-9, "speedup on 2 domains");
    assertEquals(2.0, plot.getDataset(0).getYValue(1, 1), 1e-9, "the ideal on 2 domains");
    assertEquals(50.0, plot.getDataset(1).getYValue(0, 1), 1e-9, "requests/s on 2 domains");
  }

  @Test
  void chartFlagsAreTakenOutOfTheArguments() {
    List<String> args = new ArrayList<>(List.of("--n", "3", "--chart=a.svg", "--domains", "1"));
    assertEquals(Path.of("a.svg"), FibServer.chartPath(args));
    assertEquals(List.of("--n", "3", "--domains", "1"), args);
    assertNull(FibServer.chartPath(new ArrayList<>(List.of("--no-chart"))));
    assertEquals(Path.of(FibServer.CHART), FibServer.chartPath(new ArrayList<>()));
    Output o = run("--chart");
    assertEquals(2, o.code());
    assertTrue(o.err().startsWith("error: --chart needs a file name\nusage: FibServer"), o.err());
  }

  @Test
  void experimentMeasuresEveryRequestOfEveryRow() {
    List<FibServer.Row> rows =
        Eio.call(
            env ->
                FibServer.experiment(
                    Net.of(env),
                    new FibServer.Options(15, 3, 4, 2, 0),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertEquals(List.of(1, 2), rows.stream().map(FibServer.Row::domains).toList());
    for (FibServer.Row r : rows) {
      assertEquals(12, r.requests());
      assertTrue(r.p50Nanos() > 0 && r.p50Nanos() <= r.p99Nanos(), r.toString());
      assertTrue(r.p99Nanos() <= r.wallNanos(), "no request took longer than its row: " + r);
    }
  }

  @Test
  void helpExplainsEveryFlagAndExitsZero() {
    Output o = run("--help");
    assertEquals(0, o.code());
    assertEquals("", o.err());
    for (String flag : List.of("--n", "--clients", "--requests", "--domains", "--port", "--help")) {
      assertTrue(o.out().contains(flag), flag + " in\n" + o.out());
    }
  }

  @Test
  void aBadFlagGivesOneErrorLineThenTheUsageAndExitCode2() {
    String[][] bad = {
      {"--nope"}, {"--n"}, {"--n", "many"}, {"--n", "46"}, {"--clients", "0"}, {"--port=70000"},
      {"--domains", "-1"}, {"--requests=x"}
    };
    String[] expected = {
      "error: unknown flag '--nope'",
      "error: --n needs a value",
      "error: --n needs a whole number, got 'many'",
      "error: --n must be between 0 and 45, got 46",
      "error: --clients must be >= 1, got 0",
      "error: --port must be between 0 and 65535, got 70000",
      "error: --domains must be between 1 and 256, got -1",
      "error: --requests needs a whole number, got 'x'"
    };
    for (int i = 0; i < bad.length; i++) {
      Output o = run(bad[i]);
      assertEquals(2, o.code(), Arrays.toString(bad[i]));
      assertEquals("", o.out(), "nothing ran");
      List<String> lines = o.err().lines().toList();
      assertEquals(expected[i], lines.get(0));
      assertEquals(1, lines.stream().filter(l -> l.startsWith("error:")).count(), o.err());
      assertTrue(lines.get(1).startsWith("usage: FibServer"), o.err());
    }
  }

  @Test
  void flagsAcceptBothSpellings() {
    assertEquals(
        new FibServer.Options(12, 3, 4, 1, 0),
        FibServer.Options.parse("--n=12", "--clients", "3", "--requests=4", "--domains", "1", "--port", "0"));
  }

  @Test
  void malformedRequestsGetAnErrorReplyAndTheServerKeepsServing() throws Exception {
    List<String> replies = new ArrayList<>();
    List<String> later = new ArrayList<>();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  DomainManager domains = DomainManager.create(sw, 1);
                  Listener listener = Net.of(env).listen(sw, FibServer.loopback(0));
                  sw.forkDaemon(() -> FibServer.serve(listener, domains));
                  int port = FibServer.port(listener);
                  try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    send(c, "fib abc\n");
                    send(c, "fib 46\nfib 99999999999999\n");
                    send(c, "hello\n\n");
                    send(c, "x".repeat(200) + "\n");
                    send(c, "fib 10\r\n");
                    send(c, "fib 12"); // half a line, then the end of the request stream
                    c.shutdownOutput();
                    replies.addAll(readAll(c).lines().toList());
                  }
                  // A new connection is served as usual.
                  try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    send(c, "fib 20\n");
                    c.shutdownOutput();
                    later.addAll(readAll(c).lines().toList());
                  }
                }));
    assertEquals(
        List.of(
            "error: not a number: 'abc'",
            "error: n must be between 0 and 45, got 46",
            "error: n must be between 0 and 45, got 99999999999999",
            "error: unknown request 'hello', expected 'fib <n>'",
            "error: unknown request '', expected 'fib <n>'",
            "error: request longer than 64 bytes",
            "55",
            "error: incomplete request 'fib 12': the input ended before its newline"),
        replies);
    assertEquals(List.of("6765"), later);
  }

  @Test
  void everySocketIsClosedWhenItsRowEndsAndAFixedPortServesEveryRow() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Output o = run("--n", "10", "--clients", "3", "--requests", "2", "--domains", "2", "--port", String.valueOf(port), "--no-chart");
    assertEquals(0, o.code(), o.err());
    assertEquals(2, tableRows(o.out()).size(), o.out());
    assertThrows(
        ConnectException.class,
        () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close(),
        "nobody listens once the program is done");
  }

  @Test
  void aPortInUseGivesOneErrorLineAndExitCode1() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Output o = run("--n", "10", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(1, o.code(), o.out());
      List<String> lines = o.err().lines().toList();
      assertEquals(1, lines.size(), o.err());
      assertTrue(
          lines.get(0).startsWith("error: listen on /127.0.0.1:" + taken.getLocalPort() + ": "),
          lines.get(0));
    }
  }

  @Test
  void repliesAreTheFibonacciNumbers() {
    long[] expected = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
    for (int n = 0; n < expected.length; n++) {
      assertEquals(expected[n], FibServer.fib(n));
      assertEquals(expected[n], FibServer.fibIterative(n));
    }
    assertEquals(1134903170L, FibServer.fibIterative(45));
    assertEquals(FibServer.fibIterative(27), FibServer.fib(27));
  }

  private static void send(SocketChannel c, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static String readAll(SocketChannel c) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(1024);
    while (c.read(b) >= 0) {
      all.write(b.array(), 0, b.position());
      b.clear();
    }
    return all.toString(StandardCharsets.US_ASCII);
  }
}
