package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.BufWriter;
import dev.eio.io.BufferLimitExceededException;
import dev.eio.io.TwoWay;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.parallel.DomainManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multicore fib server experiment (the Quick start demo): a TCP server answering {@code fib
 * <n>} requests, each computed on a domain, loaded by 10 clients x 10 requests with one request
 * in flight per client, run with 1, 2, ... up to the number of cores in domains, and a table of
 * wall time, speedup, efficiency, requests/s, latency percentiles and the cores the process got;
 * the same rows are drawn as a chart in {@value #CHART} ({@link FibServerChart}).
 *
 * <p><b>Guarantees.</b> Each row runs in a switch of its own that owns everything the row uses:
 * the {@link DomainManager} with that row's number of domains, the listening socket, the accept
 * loop, one fiber per connection and the clients; when the row ends every socket is closed and
 * the row's domain pool has terminated. The accept loop and the connection fibers never compute: each
 * request's {@code fib} runs on a domain while the connection's fiber parks, so the server keeps
 * accepting and reading while every domain is busy. Malformed requests (not {@code fib <n>}, not a
 * number, {@code n} above {@value #MAX_N}, longer than {@value #MAX_LINE} bytes, a last line
 * without its newline) get an {@code error: <reason>} reply and the server keeps serving; a
 * connection that fails ends alone. Every reply is checked by the clients.
 *
 * <p>Protocol: a request is the line {@code fib <n>\n}; the reply is {@code <value>\n} or {@code
 * error: <reason>\n}.
 *
 * <pre>{@code
 * ./eio-run FibServer                                     # the defaults
 * ./eio-run FibServer --n 25 --clients 4 --requests 5 --domains 2
 * ./eio-run FibServer --serve 7009                        # until Ctrl-C; nc 127.0.0.1 7009
 * }</pre>
 */
public final class FibServer {
  /** The largest {@code n} the server computes; fib(45) already takes seconds on one core. */
  public static final int MAX_N = 45;

  /** The longest request line accepted, in bytes before its newline. */
  public static final int MAX_LINE = 64;

  /** The port of {@code --serve} without a port. */
  static final int PORT = 7009;

  /** Where the chart of the table goes without {@code --chart}. */
  static final String CHART = "target/fib-server.svg";

  private FibServer() {}

  /**
   * The experiment's parameters.
   *
   * @param n the argument of every request
   * @param clients the number of client fibers, each with its own connection
   * @param requests the number of requests each client sends, one at a time
   * @param maxDomains the table has one row per domain count 1..maxDomains
   * @param port the server's port on 127.0.0.1; 0 picks any free port for each row
   */
  public record Options(int n, int clients, int requests, int maxDomains, int port) {
    private static final List<String> FLAGS =
        List.of("--n", "--clients", "--requests", "--domains", "--port");

    /** Checks every field; the messages name the flag. */
    public Options {
      if (n < 0 || n > MAX_N) {
        throw new IllegalArgumentException("--n must be between 0 and " + MAX_N + ", got " + n);
      }
      if (clients < 1) {
        throw new IllegalArgumentException("--clients must be >= 1, got " + clients);
      }
      if (requests < 1) {
        throw new IllegalArgumentException("--requests must be >= 1, got " + requests);
      }
      if (maxDomains < 1 || maxDomains > 256) {
        throw new IllegalArgumentException(
            "--domains must be between 1 and 256, got " + maxDomains);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
      }
      if ((long) clients * requests > 1_000_000) {
        throw new IllegalArgumentException(
            "--clients x --requests must be at most 1000000, got " + (long) clients * requests);
      }
    }

    /** The defaults: n=37, 10 clients x 10 requests, 1..cores domains, any free port. */
    public static Options defaults() {
      // fib(37) takes 60-90 ms on one core of the 2-core VM this was tuned on: all rows then
      // finish in 10-20 s there, and a request is far more computation than I/O.
      return new Options(37, 10, 10, DomainManager.defaultDomains(), 0);
    }

    /**
     * Parses {@code --n N --clients C --requests R --domains D --port P} (also {@code --n=N}) over
     * the defaults.
     *
     * @throws IllegalArgumentException for an unknown flag, a missing or malformed value, or a
     *     value out of range; the message is one line that names the flag
     */
    public static Options parse(String... args) {
      int n = defaults().n;
      int clients = defaults().clients;
      int requests = defaults().requests;
      int maxDomains = defaults().maxDomains;
      int port = defaults().port;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String flag = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          flag = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        if (!FLAGS.contains(flag)) {
          throw new IllegalArgumentException("unknown flag '" + arg + "'");
        }
        if (value == null) {
          if (i + 1 == args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
          }
          value = args[++i];
        }
        int v = number(flag, value);
        switch (flag) {
          case "--n" -> n = v;
          case "--clients" -> clients = v;
          case "--requests" -> requests = v;
          case "--domains" -> maxDomains = v;
          default -> port = v;
        }
      }
      return new Options(n, clients, requests, maxDomains, port);
    }

    private static int number(String flag, String value) {
      try {
        return Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'");
      }
    }
  }

  /**
   * One row of the table: {@code requests} requests served with {@code domains} domains.
   *
   * @param domains the number of domains of the row's server
   * @param wallNanos the time from the first request to the last reply
   * @param requests the number of requests served
   * @param p50Nanos the median latency (nearest rank)
   * @param p99Nanos the 99th percentile latency (nearest rank)
   * @param cpuNanos the CPU time the whole process used meanwhile, or -1 when unknown
   */
  public record Row(
      int domains, long wallNanos, int requests, long p50Nanos, long p99Nanos, long cpuNanos) {
    /** Replies per second of wall time. */
    public double requestsPerSecond() {
      return requests / (wallNanos / 1e9);
    }
  }

  /** The usage text, printed by {@code --help} and after a bad flag. */
  public static String usage() {
    Options d = Options.defaults();
    return String.join(
        "\n",
        "usage: FibServer [--n N] [--clients C] [--requests R] [--domains D] [--port P]",
        "                 [--chart FILE | --no-chart]",
        "",
        "Runs a TCP server on 127.0.0.1 that answers 'fib <n>' lines, each computed on a domain,",
        "and a load generator: C clients, each sending R requests 'fib N' one at a time. The load",
        "runs once per domain count 1, 2, ..., D and a table compares the runs.",
        "",
        "  --n N          the fib argument of every request, 0.." + MAX_N + " (default " + d.n()
            + ")",
        "  --clients C    concurrent clients, each with its own connection (default "
            + d.clients() + ")",
        "  --requests R   requests per client (default " + d.requests() + ")",
        "  --domains D    the last row's number of domains (default " + d.maxDomains()
            + ", the number of cores)",
        "  --port P       the server's port; 0 picks any free port (default " + d.port() + ")",
        "  --chart FILE   draws the table (speedup, requests/s) in an SVG file (default " + CHART
            + ")",
        "  --no-chart     draws no chart",
        "  --help         prints this text",
        "",
        "usage: FibServer --serve [P]",
        "",
        "Serves 'fib <n>' lines on 127.0.0.1:P (default " + PORT + ") on a domain per core until",
        "Ctrl-C: try 'nc 127.0.0.1 " + PORT + "' and type 'fib 30'.",
        "",
        "Columns: speedup = wall time on 1 domain / wall time; efficiency = speedup / domains;",
        "p50 and p99 are request latencies seen by the clients; cores busy = CPU time of this",
        "process / wall time: on a shared machine it shows how much of the cores the run got.");
  }

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the program as {@code main} does, printing to {@code out} and {@code err}, and returns
   * the exit code: 0; 2 after a bad flag (one line {@code error: ...} then the usage on {@code
   * err}); 1 when the sockets fail (one line {@code error: ...}, such as a port in use).
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.println(usage());
      return 0;
    }
    Options o;
    Path chart;
    try {
      OptionalInt serve = ServeUntilStopped.port(args, PORT);
      if (serve.isPresent()) {
        return ServeUntilStopped.untilCtrlC("fib server", serve.getAsInt(), FibServer::serveOnAllCores);
      }
      List<String> rest = new ArrayList<>(Arrays.asList(args));
      chart = chartPath(rest);
      o = Options.parse(rest.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(usage());
      return 2;
    }
    List<Row> rows;
    try {
      rows = Eio.call(env -> experiment(Net.of(env), o, out));
    } catch (UncheckedIOException e) {
      // The port is taken, say: a one-line reason is all the user needs.
      out.println();
      err.println("error: " + e.getMessage());
      return 1;
    }
    out.println();
    out.print(table(rows));
    if (chart != null) {
      try {
        FibServerChart.write(rows, chart);
        out.println("chart: " + chart + " (speedup and requests/s against domains)");
      } catch (IOException e) {
        err.println("error: cannot write the chart " + chart + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  /**
   * Takes {@code --chart FILE} or {@code --no-chart} out of {@code args}: the SVG file to draw the
   * table in ({@value #CHART} by default), or null for none.
   */
  static Path chartPath(List<String> args) {
    Path chart = Path.of(CHART);
    for (int i = 0; i < args.size(); ) {
      String arg = args.get(i);
      if (arg.equals("--no-chart")) {
        args.remove(i);
        chart = null;
      } else if (arg.equals("--chart") || arg.startsWith("--chart=")) {
        args.remove(i);
        String file = arg.startsWith("--chart=") ? arg.substring("--chart=".length()) : null;
        if (file == null) {
          if (i == args.size()) {
            throw new IllegalArgumentException("--chart needs a file name");
          }
          file = args.remove(i);
        }
        if (file.isBlank()) {
          throw new IllegalArgumentException("--chart needs a file name");
        }
        chart = Path.of(file);
      } else {
        i++;
      }
    }
    return chart;
  }

  /**
   * Runs one row per domain count 1..{@code o.maxDomains()} on {@code net}'s loopback, printing
   * progress to {@code out}.
   */
  public static List<Row> experiment(Net net, Options o, PrintStream out) {
    out.printf(
        "fib server on 127.0.0.1: %d clients x %d requests of fib(%d), 1..%d domains (%d cores)%n",
        o.clients(), o.requests(), o.n(), o.maxDomains(), Runtime.getRuntime().availableProcessors());
    // The first row would otherwise also pay for loading and compiling the server's code.
    out.print("warming up ... ");
    out.flush();
    row(net, new Options(Math.min(o.n(), 25), 2, 2, o.maxDomains(), o.port()), o.maxDomains(), r -> {});
    out.println("done");
    List<Row> rows = new ArrayList<>();
    int total = o.clients() * o.requests();
    int step = Math.max(1, total / 20);
    for (int d = 1; d <= o.maxDomains(); d++) {
      out.printf("%3d domain%s: ", d, d == 1 ? " " : "s");
      out.flush();
      Row row =
          row(
              net,
              o,
              d,
              replies -> {
                if (replies % step == 0) {
                  out.print('.');
                  out.flush();
                }
              });
      out.printf(" %d requests in %s%n", row.requests(), duration(row.wallNanos()));
      rows.add(row);
    }
    return rows;
  }

  /** Reports the running count of correct replies. */
  private interface Progress {
    void replies(int count);
  }

  /** One row: a server with {@code domains} domains under the load {@code o} describes. */
  private static Row row(Net net, Options o, int domains, Progress progress) {
    return Switch.call(
        "fib-row-" + domains,
        sw -> {
          DomainManager pool = DomainManager.create(sw, domains);
          Listener listener = net.listen(sw, loopback(o.port()));
          // A daemon: once the clients are done it is cancelled, which stops the accept loop.
          sw.forkDaemon(() -> serve(listener, pool));
          AtomicInteger replies = new AtomicInteger();
          long cpu0 = processCpuNanos();
          long t0 = System.nanoTime();
          long[] latencies =
              FibLoad.run(
                  net,
                  port(listener),
                  o.clients(),
                  o.requests(),
                  o.n(),
                  () -> progress.replies(replies.incrementAndGet()));
          long wall = System.nanoTime() - t0;
          long cpu1 = processCpuNanos();
          Arrays.sort(latencies);
          return new Row(
              domains,
              wall,
              latencies.length,
              percentile(latencies, 50),
              percentile(latencies, 99),
              cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
        });
  }

  /**
   * 127.0.0.1:{@code port}: IPv4 on purpose, so that a machine preferring IPv6 still listens
   * where the clients connect.
   */
  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** The port {@code listener} is bound to (the one picked when it asked for port 0). */
  static int port(Listener listener) {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** This process's CPU time so far, or -1 when the JVM does not tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** The table, one Markdown row per entry of {@code rows}; speedups are against the first. */
  public static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| domains | wall time | speedup | efficiency | requests/s | p50 | p99 | cores busy |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    long base = rows.get(0).wallNanos();
    for (Row r : rows) {
      double speedup = (double) base / r.wallNanos();
      b.append(
          String.format(
              "| %d | %s | %.2f | %.0f%% | %.1f | %s | %s | %s |%n",
              r.domains(),
              duration(r.wallNanos()),
              speedup,
              100 * speedup / r.domains(),
              r.requestsPerSecond(),
              duration(r.p50Nanos()),
              duration(r.p99Nanos()),
              r.cpuNanos() < 0 ? "-" : String.format("%.2f", (double) r.cpuNanos() / r.wallNanos())));
    }
    return b.toString();
  }

  /** Milliseconds below a second, seconds above: readable at every size of run. */
  static String duration(long nanos) {
    return nanos < 1_000_000_000L
        ? String.format("%.1f ms", nanos / 1e6)
        : String.format("%.2f s", nanos / 1e9);
  }

  // ---------------------------------------------------------------- the server

  /**
   * Serves fib requests on {@code listener} until cancelled: one fiber per connection, forked
   * into the server's switch, each request computed on {@code domains}.
   */
  public static void serve(Listener listener, DomainManager domains) {
    Switch.run(
        "fib-server",
        sw -> {
          while (true) {
            // Each connection is closed when its fiber ends; a handler's failure fails the server.
            listener.acceptFork(sw, conn -> handle(conn, domains), null);
          }
        });
  }

  /** Serves fib requests on {@code listener} with one domain per core until cancelled. */
  static void serveOnAllCores(Listener listener) {
    Switch.run(
        "fib-domains",
        sw -> serve(listener, DomainManager.create(sw, DomainManager.defaultDomains())));
  }

  /** Answers requests on one connection until the client ends it. */
  private static void handle(TwoWay conn, DomainManager domains) {
    BufReader in = BufReader.of(conn, MAX_LINE);
    BufWriter out = BufWriter.of(conn, 256);
    try {
      for (String reply; (reply = nextReply(in, domains)) != null; ) {
        out.writeString(reply);
        out.writeChar('\n');
        out.flush();
      }
    } catch (UncheckedIOException e) {
      // The client went away mid-request (reset, broken pipe): only this connection ends.
    }
  }

  /** The reply to the next request line, or null at the end of the input. */
  private static String nextReply(BufReader in, DomainManager domains) {
    byte[] line;
    try {
      line = in.takeWhile(c -> c != '\n');
    } catch (BufferLimitExceededException e) {
      in.skipWhile(c -> c != '\n');
      line = null;
    }
    boolean complete = !in.atEndOfInput(); // a newline follows
    if (complete) {
      in.skip(1);
    }
    if (line == null) {
      return "error: request longer than " + MAX_LINE + " bytes";
    }
    String text = new String(line, StandardCharsets.US_ASCII);
    if (!complete) {
      return line.length == 0
          ? null
          : "error: incomplete request '" + shown(text) + "': the input ended before its newline";
    }
    return answer(text, domains);
  }

  /** The reply to one request line (without its newline). */
  static String answer(String line, DomainManager domains) {
    String req = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    if (!req.startsWith("fib ")) {
      return "error: unknown request '" + shown(req) + "', expected 'fib <n>'";
    }
    String arg = req.substring(4).strip();
    if (!arg.matches("-?[0-9]+")) {
      return "error: not a number: '" + shown(arg) + "'";
    }
    if (arg.startsWith("-") || arg.length() > 9 || Integer.parseInt(arg) > MAX_N) {
      return "error: n must be between 0 and " + MAX_N + ", got " + arg;
    }
    int n = Integer.parseInt(arg);
    return Long.toString(domains.run(() -> fib(n)));
  }

  /** The request as it can be shown in a reply: printable ASCII only. */
  private static String shown(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
    }
    return b.toString();
  }

  /**
   * The seed's computation: a non-tail-recursive fib, deliberately exponential so each request
   * is real CPU work. Checks for cancellation on the upper levels only, where it costs nothing.
   */
  static long fib(int n) {
    if (n >= 25) {
      Fiber.check();
    }
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  /** fib in linear time, to check replies. */
  static long fibIterative(int n) {
    long a = 0;
    long b = 1;
    for (int i = 0; i < n; i++) {
      long t = a + b;
      a = b;
      b = t;
    }
    return a;
  }
}
