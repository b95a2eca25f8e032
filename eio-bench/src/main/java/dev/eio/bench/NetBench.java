package dev.eio.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * B5: TCP echo and keep-alive request/response over loopback. Starts one server process per
 * kind (eio, Netty epoll, Netty NIO, platform thread per connection) pinned to CPU 0, drives each
 * with the same load generator (this process, pinned to CPU 1) at every (connections, pipeline
 * depth) point, in interleaved rounds, and reports the medians: requests/s, requests per server
 * CPU-second (from {@code /proc/<pid>/stat}), p50/p99 latency. Every reply byte is checked. Then
 * holds {@code --hold} connections open at once against the eio and Netty epoll servers.
 *
 * <p>Arguments (all optional): {@code --seconds 0.7 --warmup 1 --rounds 3 --connections
 * 64,256,1000 --depths 1,16 --workloads echo,http --servers eio,netty-epoll,netty-nio,threads
 * --hold 10000}; server kind {@code eio-noyield} is the eio server with {@code
 * -Ddev.eio.net.yieldBeforeRead=false}.
 */
public final class NetBench {
  private NetBench() {}

  static final List<String> SERVER_JVM_FLAGS =
      List.of(
          "-Xmx1g",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  static final byte[] ECHO_MESSAGE = new byte[64];

  static {
    for (int i = 0; i < ECHO_MESSAGE.length; i++) {
      ECHO_MESSAGE[i] = (byte) ('a' + i % 26);
    }
  }

  record Server(String kind, Process process, int echoPort, int httpPort) {
    long cpuNanos() {
      try {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        return ticks * (1_000_000_000L / 100); // USER_HZ is 100 on Linux
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** The server's live heap in bytes, from a heap histogram (which runs a full GC). */
    long liveHeapBytes() throws IOException {
      Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
          .redirectErrorStream(true)
          .start();
      long total = -1;
      for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("Total")) {
          String[] f = line.trim().split("\\s+");
          total = Long.parseLong(f[f.length - 1]);
        }
      }
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return total;
    }

    long rssKb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return -1;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    double seconds = Double.parseDouble(opt.getOrDefault("seconds", "0.7"));
    double warmup = Double.parseDouble(opt.getOrDefault("warmup", "1"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    int[] connections = ints(opt.getOrDefault("connections", "64,256,1000"));
    int[] depths = ints(opt.getOrDefault("depths", "1,16"));
    List<String> workloads = List.of(opt.getOrDefault("workloads", "echo,http").split(","));
    List<String> kinds = List.of(opt.getOrDefault("servers", "eio,netty-epoll,netty-nio,threads").split(","));
    int hold = Integer.parseInt(opt.getOrDefault("hold", "10000"));

    int cpus = Runtime.getRuntime().availableProcessors();
    boolean pinned = pin(ProcessHandle.current().pid(), "1");
    System.out.printf(
        "B5 on %d CPUs (%s); load generator %s; %s s per point, %d rounds, median%n",
        cpus,
        "shared VM",
        pinned ? "pinned to CPU 1, servers to CPU 0" : "NOT pinned (taskset missing)",
        seconds,
        rounds);

    List<Server> servers = new ArrayList<>();
    try {
      for (String k : kinds) {
        servers.add(start(k, pinned));
      }
      // Warm-up: every server, every workload, unrecorded.
      for (Server s : servers) {
        for (String w : workloads) {
          measure(s, w, 256, 16, warmup, 0);
        }
      }
      Map<String, List<LoadGen.Result>> results = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (String w : workloads) {
          for (int c : connections) {
            for (int d : depths) {
              for (Server s : servers) {
                results.computeIfAbsent(key(w, c, d, s.kind()), k -> new ArrayList<>())
                    .add(measure(s, w, c, d, 0.2, seconds));
              }
            }
          }
        }
        System.out.printf("round %d done%n", r + 1);
      }
      report(results, workloads, connections, depths, kinds);
      if (hold > 0) {
        for (Server s : servers) {
          if (s.kind().startsWith("eio") || s.kind().equals("netty-epoll")) {
            hold(s, hold);
          }
        }
      }
    } finally {
      for (Server s : servers) {
        s.process().getOutputStream().close(); // the server exits when its stdin closes
        s.process().waitFor();
      }
    }
  }

  private static LoadGen.Result measure(Server s, String workload, int conns, int depth, double warmup, double seconds)
      throws IOException {
    boolean echo = workload.equals("echo");
    LoadGen g =
        new LoadGen(
            echo ? ECHO_MESSAGE : NetBenchServers.REQUEST,
            echo ? ECHO_MESSAGE : NetBenchServers.RESPONSE,
            depth);
    var addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), echo ? s.echoPort() : s.httpPort());
    return g.run(addr, conns, (long) (warmup * 1e9), (long) (Math.max(seconds, 0.05) * 1e9), s::cpuNanos);
  }

  private static String key(String w, int c, int d, String kind) {
    return w + " " + c + " " + d + " " + kind;
  }

  private static void report(
      Map<String, List<LoadGen.Result>> results, List<String> workloads, int[] connections, int[] depths, List<String> kinds) {
    System.out.printf(
        "%n%-5s %5s %5s  %-12s %12s %14s %8s %8s  %s%n",
        "load", "conns", "depth", "server", "req/s", "req/CPU-s", "p50 us", "p99 us", "req/CPU-s vs netty-epoll");
    for (String w : workloads) {
      for (int c : connections) {
        for (int d : depths) {
          double base = median(results.get(key(w, c, d, "netty-epoll")), LoadGen.Result::perCpuSecond);
          for (String k : kinds) {
            List<LoadGen.Result> rs = results.get(key(w, c, d, k));
            double perCpu = median(rs, LoadGen.Result::perCpuSecond);
            System.out.printf(
                "%-5s %5d %5d  %-12s %12.0f %14.0f %8.0f %8.0f  %s%n",
                w, c, d, k,
                median(rs, LoadGen.Result::perSecond),
                perCpu,
                median(rs, x -> (double) x.p50Micros()),
                median(rs, x -> (double) x.p99Micros()),
                Double.isNaN(base) ? "-" : String.format("%.2fx", perCpu / base));
          }
        }
      }
    }
  }

  private static double median(List<LoadGen.Result> rs, java.util.function.ToDoubleFunction<LoadGen.Result> f) {
    if (rs == null || rs.isEmpty()) {
      return Double.NaN;
    }
    double[] v = rs.stream().mapToDouble(f).toArray();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /**
   * Opens {@code n} connections at once, echoes a message on each, checks every reply, and
   * reports the server's RSS and live heap growth per connection. Each loopback source address has
   * about 28,000 ephemeral ports, so the connections come from several (see echoOnEach).
   * Both this process and the server hold {@code n} descriptors: the JVM raises its soft limit to
   * the hard one, so raise the hard limit before a run beyond it ({@code ulimit -Hn}; see B5).
   */
  private static void hold(Server s, int n) throws IOException {
    long limit = openFileLimit();
    int spare = 500; // the JVM's own files, the listeners, the load generator's selector
    if (limit > 0 && n > limit - spare) {
      System.out.printf(
          "hold: %d connections need more descriptors than the open-file limit of %d allows here;"
              + " holding %d (raise it with ulimit -n, which needs a hard limit above %d)%n",
          n, limit, limit - spare, n + spare);
      n = (int) (limit - spare);
    }
    var addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.echoPort());
    // Warm-up: the code that accepts and serves a connection runs once per connection, so
    // connect 20,000 times first; frames still interpreted would make the held fibers' stacks
    // about twice as large as in a server that has been up for a while.
    for (int done = 0; done < 20_000; done += 1000) {
      List<SocketChannel> batch = new ArrayList<>();
      try {
        echoOnEach(batch, 1000, addr);
      } finally {
        for (SocketChannel ch : batch) {
          ch.close();
        }
      }
    }
    List<SocketChannel> open = new ArrayList<>(n);
    long t0 = System.nanoTime();
    long heap0 = s.liveHeapBytes();
    long rss0 = s.rssKb();
    try {
      int ok = echoOnEach(open, n, addr);
      long seconds = System.nanoTime() - t0;
      long rss1 = s.rssKb();
      long heap1 = s.liveHeapBytes();
      System.out.printf(
          "hold %-12s %d connections open at once, %d echoed exactly, in %.1f s; server RSS %d -> %d MiB"
              + " (%.1f KiB per connection), live heap %d -> %d MiB (%.2f KiB per connection)%n",
          s.kind(), n, ok, seconds / 1e9, rss0 / 1024, rss1 / 1024, (rss1 - rss0) / (double) n,
          heap0 >> 20, heap1 >> 20, (heap1 - heap0) / 1024.0 / n);
    } finally {
      for (SocketChannel ch : open) {
        ch.close();
      }
    }
  }

  // Loopback source addresses used so far: each is used for at most 20,000 connections, once
  // (the ports of closed connections stay in TIME_WAIT for a minute).
  private static int sourcesUsed;

  /**
   * Opens {@code n} connections to {@code addr} into {@code open} (from fresh loopback source
   * addresses, 127.0.0.2 on, 20,000 per address), echoes a message on each, and returns how many
   * echoed it exactly.
   */
  private static int echoOnEach(List<SocketChannel> open, int n, InetSocketAddress addr) throws IOException {
    int base = sourcesUsed;
    sourcesUsed += (n + 19_999) / 20_000;
    for (int i = 0; i < n; i++) {
      int k = base + i / 20_000;
      SocketChannel ch = SocketChannel.open();
      open.add(ch);
      ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (k / 250), (byte) (2 + k % 250)}), 0));
      ch.connect(addr);
    }
    for (SocketChannel ch : open) {
      ch.write(ByteBuffer.wrap(ECHO_MESSAGE));
    }
    int ok = 0;
    ByteBuffer buf = ByteBuffer.allocate(ECHO_MESSAGE.length);
    for (SocketChannel ch : open) {
      buf.clear();
      while (buf.hasRemaining() && ch.read(buf) != -1) {}
      if (Arrays.equals(buf.array(), ECHO_MESSAGE)) {
        ok++;
      }
    }
    return ok;
  }

  /** This process's soft limit on open files (the server's is the same), or -1 when unknown. */
  private static long openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no check
    }
    return -1;
  }

  private static Server start(String kind, boolean pin) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (pin) {
      cmd.addAll(List.of("taskset", "-c", "0"));
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(SERVER_JVM_FLAGS);
    if (kind.equals("eio-noyield")) {
      cmd.add("-Ddev.eio.net.yieldBeforeRead=false"); // the same server without ADR 11's yield
    }
    String extra = System.getProperty("bench.serverJvmArgs", "");
    if (!extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NetBenchServers.class.getName(), kind));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
      System.out.println("[" + kind + "] " + line);
    }
    if (line == null) {
      throw new IOException("server " + kind + " exited before it was ready");
    }
    String[] f = line.split(" ");
    return new Server(kind, p, Integer.parseInt(f[1]), Integer.parseInt(f[2]));
  }

  private static boolean pin(long pid, String cpus) {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return false;
    }
    try {
      Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
