package dev.eio.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * B1 over several JVMs: the cost of forking and joining an empty fiber against a raw virtual
 * thread's start and join, in wall time, process CPU time and bytes allocated per fiber, each
 * kind's median over interleaved rounds in one JVM, then the median of those over fresh JVMs.
 *
 * <p>CPU time and allocation are the steadier figures on a shared machine: other jobs stretch
 * wall time but add nothing to this process's CPU time. Usage:
 *
 * <pre>
 * java --enable-preview -cp ... dev.eio.bench.ForkCost jvms 5       # 5 child JVMs, the summary
 * java --enable-preview -cp ... dev.eio.bench.ForkCost run          # one JVM, one result line
 * </pre>
 *
 * <p>{@code -Dforkcost.rounds} (default 30) and {@code -Dforkcost.warmups} (default 60) set the
 * rounds per JVM; one measured round is 5 x 10,000 fibers of each kind, raw first, alternating.
 * CPU time is the sum of every thread's time on a CPU from {@code /proc/self/task/}{@code
 * *}{@code /schedstat} (nanoseconds, GC threads included), as the JVM's own process CPU time
 * counts in 10 ms ticks.
 */
public final class ForkCost {
  private ForkCost() {}

  private static final int FIBERS = CoreBench.B1_FIBERS;
  private static final int ROUNDS = Integer.getInteger("forkcost.rounds", 30);
  private static final int WARMUPS = Integer.getInteger("forkcost.warmups", 60);
  private static final int REPS = 5; // switches of FIBERS per measured round
  private static final String[] KINDS = {"raw", "eio"};

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "jvms";
    switch (mode) {
      case "run" -> runOne();
      case "jvms" -> runJvms(args.length > 1 ? Integer.parseInt(args[1]) : 5);
      default -> {
        System.err.println("usage: ForkCost run | jvms [count]");
        System.exit(2);
      }
    }
  }

  /** One JVM: prints {@code RESULT kind wall-ns cpu-ns bytes} per kind, medians of its rounds. */
  private static void runOne() {
    for (int w = 0; w < WARMUPS; w++) {
      round(0);
      round(1);
    }
    long[][][] samples = new long[KINDS.length][3][ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      for (int k = 0; k < KINDS.length; k++) {
        long b0 = THREADS.getTotalThreadAllocatedBytes();
        long p0 = OS.getProcessCpuTime();
        var c0 = cpuSnapshot();
        long t0 = System.nanoTime();
        for (int rep = 0; rep < REPS; rep++) {
          round(k);
        }
        long t1 = System.nanoTime();
        var c1 = cpuSnapshot();
        long cpu = c0 == null || c1 == null ? OS.getProcessCpuTime() - p0 : cpuBetween(c0, c1);
        long b1 = THREADS.getTotalThreadAllocatedBytes();
        samples[k][0][r] = (t1 - t0) / (REPS * FIBERS);
        samples[k][1][r] = cpu / (REPS * FIBERS);
        samples[k][2][r] = (b1 - b0) / (REPS * FIBERS);
      }
    }
    for (int k = 0; k < KINDS.length; k++) {
      System.out.printf(
          "RESULT %s %d %d %d%n",
          KINDS[k], median(samples[k][0]), median(samples[k][1]), median(samples[k][2]));
    }
  }

  /** One batch of 10,000 fibers: CoreBench's B1 rounds, raw or eio. */
  private static void round(int kind) {
    if (kind == 0) {
      CoreBench.b1Raw();
    } else {
      CoreBench.b1Switch();
    }
  }

  /** Runs {@code n} child JVMs one after the other and prints each one's and the medians. */
  private static void runJvms(int n) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
    String cp = System.getProperty("java.class.path");
    // Per JVM, per kind: wall, cpu, bytes.
    long[][][] perJvm = new long[n][KINDS.length][];
    System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
    for (int j = 0; j < n; j++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.addAll(jvmArgs);
      cmd.addAll(List.of("-cp", cp, ForkCost.class.getName(), "run"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("child JVM failed:\n" + out);
      }
      for (String line : out.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 5 && f[0].equals("RESULT")) {
          int k = Arrays.asList(KINDS).indexOf(f[1]);
          perJvm[j][k] =
              new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
        }
      }
      System.out.printf(
          Locale.ROOT,
          "JVM %d: raw %d ns %d cpu-ns %d B | eio %d ns %d cpu-ns %d B | wall %.2fx cpu %.2fx%n",
          j + 1,
          perJvm[j][0][0],
          perJvm[j][0][1],
          perJvm[j][0][2],
          perJvm[j][1][0],
          perJvm[j][1][1],
          perJvm[j][1][2],
          (double) perJvm[j][1][0] / perJvm[j][0][0],
          (double) perJvm[j][1][1] / perJvm[j][0][1]);
    }
    String[] what = {"wall ns/fiber", "CPU ns/fiber", "bytes allocated/fiber"};
    System.out.printf(Locale.ROOT, "medians over %d JVMs (%d rounds each):%n", n, ROUNDS);
    for (int m = 0; m < 3; m++) {
      long raw = medianOf(perJvm, 0, m);
      long eio = medianOf(perJvm, 1, m);
      double[] ratios = new double[n];
      for (int j = 0; j < n; j++) {
        ratios[j] = (double) perJvm[j][1][m] / Math.max(1, perJvm[j][0][m]);
      }
      Arrays.sort(ratios);
      System.out.printf(
          Locale.ROOT,
          "  %-22s raw %6d  eio %6d  median ratio %.2fx (per JVM %s)%n",
          what[m],
          raw,
          eio,
          ratios[n / 2],
          Arrays.toString(Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toArray()));
    }
    System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
  }

  /**
   * Every thread's time on a CPU so far (the JVM's own threads included), in nanoseconds, by
   * thread id, from the scheduler's statistics; {@code null} where they cannot be read.
   */
  private static java.util.Map<String, Long> cpuSnapshot() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return null;
    }
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try (var dirs = Files.newDirectoryStream(tasks)) {
      for (Path t : dirs) {
        try {
          String s = Files.readString(t.resolve("schedstat"));
          out.put(t.getFileName().toString(), Long.parseLong(s.substring(0, s.indexOf(' '))));
        } catch (java.io.IOException gone) {
          // The thread ended while we listed it.
        }
      }
    } catch (java.io.IOException e) {
      return null;
    }
    return out;
  }

  /** CPU nanoseconds between two snapshots; a thread that ended in between is not counted. */
  private static long cpuBetween(java.util.Map<String, Long> a, java.util.Map<String, Long> b) {
    long sum = 0;
    for (var e : b.entrySet()) {
      sum += e.getValue() - a.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  private static long medianOf(long[][][] perJvm, int kind, int measure) {
    long[] v = new long[perJvm.length];
    for (int j = 0; j < v.length; j++) {
      v[j] = perJvm[j][kind][measure];
    }
    return median(v);
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return String.format(Locale.ROOT, "%.2f", OS.getSystemLoadAverage());
    }
  }
}
