package dev.eio.bench;

import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.parallel.DomainManager;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.PipelineOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.function.LongSupplier;
import java.util.stream.Gatherers;
import java.util.stream.IntStream;

/**
 * B4 and B7 (DESIGN.md section 5): domains against their baselines, side by side in one JVM run.
 *
 * <ul>
 *   <li>B4a: recursive fib via {@code Fiber.pair} inside a domain section against a hand-written
 *       {@code RecursiveTask} on a {@code ForkJoinPool} of the same size (same threshold).
 *   <li>B4b: speedup of B4a over 1 domain for 1..N domains, beside the machine's own parallel
 *       capacity measured in the same run (k independent threads each doing the sequential work).
 *   <li>B4c: the seed's fib server: 10 client fibers x 10 requests, each request a sequential fib
 *       on a domain via {@code domains.run}, on 1..N domains, beside a fixed pool of k platform
 *       threads running the same requests.
 *   <li>B7: {@code Parallel.map} and {@code Parallel.pipeline} against parallel streams and {@code
 *       Gatherers.mapConcurrent} on the same CPU-bound items.
 * </ul>
 *
 * <p>Every figure is the best of {@code rounds} interleaved rounds (after warm-up): on a shared
 * machine other processes only ever add time, so the least disturbed round is the fairest one to
 * compare; medians are printed beside for B4a and B7, and so is the median CPU time the whole
 * process used per round (garbage collection and JIT included), which other processes on the
 * machine do not inflate: it shows the overhead, where wall time shows the parallelism.
 *
 * <p>Arguments (all optional): {@code fibN} (default 38), {@code rounds} (default 9).
 */
public final class DomainBench {
  private static final int THRESHOLD = 20;
  private static final int ITEMS = 12_000;
  private static volatile long sink;

  public static void main(String[] args) {
    int fibN = args.length > 0 ? Integer.parseInt(args[0]) : 38;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "DomainBench: %d cores, fib(%d), threshold %d, %d rounds, java %s%n",
        cores, fibN, THRESHOLD, rounds, System.getProperty("java.version"));
    b4ForkJoin(cores, fibN, rounds);
    b4Speedup(cores, fibN, rounds);
    b4FibServer(cores, rounds);
    b7(cores, rounds);
  }

  // ---------------------------------------------------------------- workloads

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  static long pfib(int n) {
    if (n < THRESHOLD) {
      return fib(n);
    }
    var p = Fiber.pair(() -> pfib(n - 1), () -> pfib(n - 2));
    return p.first() + p.second();
  }

  static final class FibTask extends RecursiveTask<Long> {
    private static final long serialVersionUID = 1L;
    final int n;

    FibTask(int n) {
      this.n = n;
    }

    @Override
    protected Long compute() {
      if (n < THRESHOLD) {
        return fib(n);
      }
      FibTask a = new FibTask(n - 1);
      a.fork();
      long b = new FibTask(n - 2).compute();
      return a.join() + b;
    }
  }

  /** Runs {@code body} with a manager of {@code domains} domains, returns its wall time. */
  static long timeWithDomains(int domains, java.util.function.ToLongFunction<DomainManager> body) {
    long[] t = new long[1];
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, domains);
          d.run(() -> fib(10)); // start the pool outside the measurement
          long t0 = System.nanoTime();
          sink += body.applyAsLong(d);
          t[0] = System.nanoTime() - t0;
        });
    return t[0];
  }

  static long timeForkJoin(ForkJoinPool pool, int n) {
    long t0 = System.nanoTime();
    sink += pool.invoke(new FibTask(n));
    return System.nanoTime() - t0;
  }

  /** k platform threads each computing fib(n) sequentially: the machine's capacity for k. */
  static long timeIndependent(int k, int n) {
    Thread[] ts = new Thread[k];
    long t0 = System.nanoTime();
    for (int i = 0; i < k; i++) {
      ts[i] = Thread.ofPlatform().start(() -> sink += fib(n));
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return System.nanoTime() - t0;
  }

  /** The fib server's baseline: the same requests on a fixed pool of k platform threads. */
  static long timeFixedPool(int k, int requests, int n) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(k);
    try {
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<Long>> fs = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        fs.add(pool.submit(() -> fib(n)));
      }
      for (var f : fs) {
        sink += f.get();
      }
      return System.nanoTime() - t0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdown();
    }
  }

  // ---------------------------------------------------------------- B4

  static void b4ForkJoin(int cores, int n, int rounds) {
    ForkJoinPool pool = new ForkJoinPool(cores);
    try {
      Map<String, Long> m =
          new Rounds("B4a fib(" + n + ") on " + cores + " domains")
              .add("RecursiveTask on ForkJoinPool(" + cores + ")", () -> timeForkJoin(pool, n))
              .add("Fiber.pair in DomainManager.run", () -> timeWithDomains(cores, d -> d.run(() -> pfib(n))))
              .run(2, rounds);
      double ratio = (double) m.get("Fiber.pair in DomainManager.run") / m.get("RecursiveTask on ForkJoinPool(" + cores + ")");
      System.out.printf("  B4a ratio ours / RecursiveTask = %.3f (target <= 1.10)%n", ratio);
    } finally {
      pool.shutdown();
    }
  }

  static void b4Speedup(int cores, int n, int rounds) {
    System.out.printf("%nB4b speedup of fib(%d) over 1 domain, beside the machine's capacity%n", n);
    System.out.println("| domains | ours ms | speedup | capacity (k threads x sequential) | speedup / capacity |");
    System.out.println("|---|---|---|---|---|");
    long[] ours = new long[cores + 1];
    long[] indep = new long[cores + 1];
    long[][] samplesOurs = new long[cores + 1][rounds];
    long[][] samplesIndep = new long[cores + 1][rounds];
    for (int k = 1; k <= cores; k++) {
      int kk = k;
      timeWithDomains(kk, d -> d.run(() -> pfib(n)));
      timeIndependent(kk, n);
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 1; k <= cores; k++) {
        int kk = k;
        samplesOurs[k][r] = timeWithDomains(kk, d -> d.run(() -> pfib(n)));
        samplesIndep[k][r] = timeIndependent(kk, n);
      }
    }
    for (int k = 1; k <= cores; k++) {
      ours[k] = best(samplesOurs[k]);
      indep[k] = best(samplesIndep[k]);
    }
    for (int k = 1; k <= cores; k++) {
      double speedup = (double) ours[1] / ours[k];
      // k threads did k times the one-thread work in indep[k]: capacity = k * t1 / tk.
      double capacity = (double) k * indep[1] / indep[k];
      System.out.printf(
          "| %d | %.1f | %.2f | %.2f | %.2f |%n",
          k, ours[k] / 1e6, speedup, capacity, speedup / capacity);
    }
  }

  static void b4FibServer(int cores, int rounds) {
    int clients = 10;
    int requests = 10;
    int n = 30;
    System.out.printf(
        "%nB4c fib server: %d client fibers x %d requests of fib(%d), each on a domain%n",
        clients, requests, n);
    System.out.println(
        "| domains | time ms | speedup | capacity | speedup / capacity | fixed pool of k threads ms"
            + " | ours / fixed pool |");
    System.out.println("|---|---|---|---|---|---|---|");
    long[][] samples = new long[cores + 1][rounds];
    long[][] indep = new long[cores + 1][rounds];
    long[][] fixed = new long[cores + 1][rounds];
    java.util.function.ToLongFunction<DomainManager> server =
        d -> {
          long[] sum = new long[1];
          Switch.run(
              sw -> {
                for (int c = 0; c < clients; c++) {
                  sw.fork(
                      () -> {
                        long s = 0;
                        for (int r = 0; r < requests; r++) {
                          s += d.run(() -> fib(n));
                        }
                        synchronized (sum) {
                          sum[0] += s;
                        }
                      });
                }
              });
          return sum[0];
        };
    for (int k = 1; k <= cores; k++) {
      timeWithDomains(k, server);
      timeFixedPool(k, clients * requests, n);
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 1; k <= cores; k++) {
        samples[k][r] = timeWithDomains(k, server);
        indep[k][r] = timeIndependent(k, n + 3);
        fixed[k][r] = timeFixedPool(k, clients * requests, n);
      }
    }
    long one = best(samples[1]);
    for (int k = 1; k <= cores; k++) {
      long t = best(samples[k]);
      double speedup = (double) one / t;
      double capacity = (double) k * best(indep[1]) / best(indep[k]);
      long f = best(fixed[k]);
      System.out.printf(
          "| %d | %.1f | %.2f | %.2f | %.2f | %.1f | %.2f |%n",
          k, t / 1e6, speedup, capacity, speedup / capacity, f / 1e6, (double) t / f);
    }
  }

  // ---------------------------------------------------------------- B7

  /** A CPU-bound item of uneven cost. */
  static long work(int i) {
    return fib(16 + (i % 6));
  }

  static void b7(int cores, int rounds) {
    List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
    long expected = items.stream().mapToLong(DomainBench::work).sum();
    Map<String, Long> m =
        new Rounds("B7a map " + ITEMS + " CPU-bound items (fib 16..21)")
            .add(
                "parallel stream (common pool)",
                () -> {
                  long t0 = System.nanoTime();
                  List<Long> out = items.parallelStream().map(DomainBench::work).toList();
                  check(expected, out);
                  return System.nanoTime() - t0;
                })
            .add(
                "Parallel.map (segments)",
                () ->
                    timeWithDomains(
                        cores,
                        d -> check(expected, Parallel.map(d, items, DomainBench::work))))
            .add(
                "Parallel.map (chunks of 16)",
                () ->
                    timeWithDomains(
                        cores,
                        d ->
                            check(
                                expected,
                                Parallel.map(
                                    d,
                                    items,
                                    dev.eio.parallel.ParallelOptions.defaults().withChunkSize(16),
                                    DomainBench::work))))
            .run(2, rounds);
    System.out.printf(
        "  B7a ratio Parallel.map / parallel stream = %.3f (target <= 1.0)%n",
        (double) m.get("Parallel.map (segments)") / m.get("parallel stream (common pool)"));
    Map<String, Long> p =
        new Rounds("B7b pipeline of the same items (ordered)")
            .add(
                "parallel stream forEachOrdered",
                () -> {
                  long t0 = System.nanoTime();
                  long[] s = new long[1];
                  items.parallelStream().map(DomainBench::work).forEachOrdered(x -> s[0] += x);
                  check(expected, s[0]);
                  return System.nanoTime() - t0;
                })
            .add(
                "Gatherers.mapConcurrent(" + cores + ")",
                () -> {
                  long t0 = System.nanoTime();
                  long s =
                      items.stream()
                          .gather(Gatherers.mapConcurrent(cores, DomainBench::work))
                          .mapToLong(Long::longValue)
                          .sum();
                  check(expected, s);
                  return System.nanoTime() - t0;
                })
            .add(
                "Parallel.pipeline (chunks of 16)",
                () ->
                    timeWithDomains(
                        cores,
                        d -> {
                          long[] s = new long[1];
                          Parallel.pipeline(
                              d,
                              items.iterator(),
                              DomainBench::work,
                              x -> s[0] += x,
                              PipelineOptions.defaults().withChunkSize(16));
                          return check(expected, s[0]);
                        }))
            .run(2, rounds);
    System.out.printf(
        "  B7b ratio Parallel.pipeline / parallel stream = %.3f%n",
        (double) p.get("Parallel.pipeline (chunks of 16)") / p.get("parallel stream forEachOrdered"));
  }

  static long check(long expected, List<Long> out) {
    long s = 0;
    for (long x : out) {
      s += x;
    }
    return check(expected, s);
  }

  static long check(long expected, long got) {
    if (got != expected) {
      throw new AssertionError("wrong result: " + got + " != " + expected);
    }
    return got;
  }

  /** CPU time used by this whole process: other processes on a shared machine do not count. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long best(long[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }

  static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Interleaved rounds of several contenders; prints medians and ratios to the first. */
  static final class Rounds {
    private final String title;
    private final Map<String, LongSupplier> contenders = new LinkedHashMap<>();

    Rounds(String title) {
      this.title = title;
    }

    Rounds add(String name, LongSupplier run) {
      contenders.put(name, run);
      return this;
    }

    Map<String, Long> run(int warmups, int rounds) {
      System.out.printf("%n%s (%d rounds interleaved)%n", title, rounds);
      for (int w = 0; w < warmups; w++) {
        contenders.values().forEach(LongSupplier::getAsLong);
      }
      Map<String, List<Long>> samples = new LinkedHashMap<>();
      Map<String, List<Long>> cpu = new LinkedHashMap<>();
      contenders.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
      contenders.keySet().forEach(k -> cpu.put(k, new ArrayList<>()));
      for (int r = 0; r < rounds; r++) {
        for (var e : contenders.entrySet()) {
          long c0 = processCpuNanos();
          samples.get(e.getKey()).add(e.getValue().getAsLong());
          cpu.get(e.getKey()).add(processCpuNanos() - c0);
        }
      }
      Map<String, Long> bests = new LinkedHashMap<>();
      Map<String, Long> medians = new LinkedHashMap<>();
      samples.forEach(
          (k, v) -> {
            long[] a = v.stream().mapToLong(Long::longValue).toArray();
            bests.put(k, best(a));
            medians.put(k, median(a));
          });
      long base = bests.values().iterator().next();
      long baseMedian = medians.values().iterator().next();
      Map<String, Long> cpuMedians = new LinkedHashMap<>();
      cpu.forEach(
          (k, v) -> cpuMedians.put(k, median(v.stream().mapToLong(Long::longValue).toArray())));
      long baseCpu = cpuMedians.values().iterator().next();
      bests.forEach(
          (k, m) ->
              System.out.printf(
                  "  %-36s best %8.2f ms ratio %.3f | median %8.2f ms ratio %.3f | cpu %8.2f ms"
                      + " ratio %.3f%n",
                  k,
                  m / 1e6,
                  (double) m / base,
                  medians.get(k) / 1e6,
                  (double) medians.get(k) / baseMedian,
                  cpuMedians.get(k) / 1e6,
                  (double) cpuMedians.get(k) / baseCpu));
      return bests;
    }
  }
}
