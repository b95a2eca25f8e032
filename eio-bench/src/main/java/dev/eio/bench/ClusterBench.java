package dev.eio.bench;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.LocalMembers;
import dev.eio.parallel.Parallel;
import dev.eio.workers.SerializationCodec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * B9 (eio-cluster): a cluster of member JVMs on this machine, each limited to one core
 * ({@code -XX:ActiveProcessorCount=1}), reached by a client, everything in one run.
 *
 * <ul>
 *   <li>B9a: the round trip of an empty task to one member JVM, {@code Cluster.run} against
 *       Hazelcast's own {@code IExecutorService.submitToMember(...).get()} on the same cluster.
 *   <li>B9b: {@code Parallel.map} of a CPU-heavy function ({@code fib(n)} per item) on a cluster of
 *       2 member JVMs against one of 1, beside the machine's capacity for 2 measured in the same
 *       run as B4b does (2 platform threads each computing fib(n) against 1).
 * </ul>
 *
 * <p>B9b first warms both clusters up for {@code -Db9.warmupSeconds} (default 30: every member JVM
 * compiles on its own), then measures {@code 5 x rounds} rounds. {@code -Db9.onlyA=true} stops after B9a; {@code -Db9.memberJvm="opts"} adds member JVM options
 * (a profiler's, for instance), and {@code -Db9.memberJfrDump=/tmp/prefix} dumps the members'
 * flight recordings with {@code jcmd} at the end (they end by SIGKILL, which loses them);
 * {@code -Db9.profileMaps=N} runs N more 2-member maps and prints the CPU per map of each thread
 * (pool) of the caller and the members, and the CPU of the items themselves. B9a also reports the bench JVM's CPU per call, ours and raw; B9b the
 * CPU per map of the bench JVM and of the members, and how many cores that kept busy.
 *
 * <p>Arguments (all optional): {@code calls} per B9a measurement (default 300), {@code rounds}
 * (default 7), {@code items} (default 16), {@code fibN} (default 30).
 */
public final class ClusterBench {
  private ClusterBench() {}

  /** Hazelcast's own empty task. */
  record Noop() implements Callable<Object>, Serializable {
    @Override
    public Object call() {
      return null;
    }
  }

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("hazelcast.logging.type", "none");
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int items = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int fibN = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    System.out.printf(
        "ClusterBench: %d cores, %d calls, %d rounds, %d items of fib(%d), java %s%n",
        Runtime.getRuntime().availableProcessors(), calls, rounds, items, fibN, System.getProperty("java.version"));
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  SerializationCodec codec = SerializationCodec.defaults().allowing(ClusterBench.class, Noop.class);
                  List<String> oneCore = new java.util.ArrayList<>(List.of("-XX:ActiveProcessorCount=1"));
                  // -Db9.memberJvm="opt1 opt2": more member JVM options (a profiler, for instance)
                  String extra = System.getProperty("b9.memberJvm", "").trim();
                  if (!extra.isEmpty()) {
                    oneCore.addAll(List.of(extra.split("\\s+")));
                  }
                  LocalMembers one =
                      LocalMembers.start(
                          env, sw, ClusterConfig.local("b9-one-" + UUID.randomUUID()).withCodec(codec), 1, oneCore);
                  LocalMembers two =
                      LocalMembers.start(
                          env, sw, ClusterConfig.local("b9-two-" + UUID.randomUUID()).withCodec(codec), 2, oneCore);
                  Cluster c1 = Cluster.connect(env, sw, one.config());
                  Cluster c2 = Cluster.connect(env, sw, two.config());
                  Member m = c1.hazelcast().getCluster().getMembers().iterator().next();
                  IExecutorService exec = c1.hazelcast().getExecutorService("eio");

                  Runnable rawCall =
                      () -> {
                        try {
                          exec.submitToMember(new Noop(), m).get();
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                      };
                  Runnable ourCall = () -> c1.run(() -> null);
                  new Ratio("B9a round trip of an empty task, client to 1 member JVM", "ns/call")
                      .add("IExecutorService.submitToMember().get()", () -> perCall(calls, rawCall))
                      .add("Cluster.run (ours)", () -> perCall(calls, ourCall))
                      .run(2, rounds);
                  // The caller's CPU per call, ours and raw (steadier than wall time on a shared machine).
                  new Ratio("B9a caller CPU per call (whole bench JVM)", "cpu-ns/call")
                      .add("IExecutorService.submitToMember().get()", () -> cpuPerCall(calls, rawCall))
                      .add("Cluster.run (ours)", () -> cpuPerCall(calls, ourCall))
                      .run(1, rounds);
                  if (Boolean.getBoolean("b9.onlyA")) {
                    return;
                  }

                  List<Integer> work = Collections.nCopies(items, fibN);
                  // Each member JVM compiles fib and the task path on its own: one round left the
                  // members interpreting, and 1 member then 2 read 99 vs 97 ms where warm JVMs read
                  // 46 vs 27 ms (BENCHMARKS.md, B9b). Warm both clusters for a while, then measure.
                  long warmUntil = System.nanoTime() + Long.getLong("b9.warmupSeconds", 30) * 1_000_000_000L;
                  System.out.printf("%nB9b warm-up (%d s)", Long.getLong("b9.warmupSeconds", 30));
                  for (int w = 0; System.nanoTime() < warmUntil; w++) {
                    Parallel.map(c1.where(), work, x -> fib(x));
                    Parallel.map(c2.where(), work, x -> fib(x));
                    if (w % 20 == 0) {
                      System.out.print('.');
                    }
                  }
                  System.out.println();
                  int mapRounds = 5 * rounds;
                  long[] t1 = new long[mapRounds];
                  long[] t2 = new long[mapRounds];
                  long[] i1 = new long[mapRounds];
                  long[] i2 = new long[mapRounds];
                  // CPU of the bench JVM and of the members over the measured maps: {caller, members, wall} ns
                  long[] cpu1 = new long[3];
                  long[] cpu2 = new long[3];
                  for (int r = -1; r < mapRounds; r++) { // round -1 warms the capacity threads up
                    boolean count = r >= 0;
                    long a = timed(() -> Parallel.map(c1.where(), work, x -> fib(x)), one.pids(), count ? cpu1 : null);
                    long b = timed(() -> Parallel.map(c2.where(), work, x -> fib(x)), two.pids(), count ? cpu2 : null);
                    long c = DomainBench.timeIndependent(1, fibN + 4);
                    long d = DomainBench.timeIndependent(2, fibN + 4);
                    if (r >= 0) {
                      t1[r] = a;
                      t2[r] = b;
                      i1[r] = c;
                      i2[r] = d;
                    }
                  }
                  double speedup = (double) median(t1) / median(t2);
                  double capacity = 2.0 * median(i1) / median(i2);
                  System.out.printf(
                      "B9b Parallel.map of %d x fib(%d) on member JVMs of one core each (%d rounds, medians)%n",
                      items, fibN, mapRounds);
                  System.out.println("| members | ms | speedup | capacity (2 threads x sequential) | speedup / capacity |");
                  System.out.println("|---|---|---|---|---|");
                  System.out.printf("| 1 | %.1f | 1.00 | 1.00 | 1.00 |%n", median(t1) / 1e6);
                  System.out.printf(
                      "| 2 | %.1f | %.2f | %.2f | %.2f |%n", median(t2) / 1e6, speedup, capacity, speedup / capacity);
                  System.out.printf("  B9b speedup / capacity = %.2f (target >= 0.90)%n", speedup / capacity);
                  // Whether the maps are CPU-bound: a 2-member map cannot take less wall time than
                  // its CPU (caller and members) over the 2 cores.
                  for (long[] cpu : new long[][] {cpu1, cpu2}) {
                    System.out.printf(
                        "  B9b CPU per map, %d member(s): caller %.1f ms, members %.1f ms, wall %.1f ms, %.2f cores busy%n",
                        cpu == cpu1 ? 1 : 2,
                        cpu[0] / 1e6 / mapRounds,
                        cpu[1] / 1e6 / mapRounds,
                        cpu[2] / 1e6 / mapRounds,
                        (double) (cpu[0] + cpu[1]) / cpu[2]);
                  }
                  // -Db9.profileMaps=N: N more 2-member maps, and where their CPU went, thread by
                  // thread (jcmd Thread.print's cpu= before and after), in the caller and the members.
                  int profileMaps = Integer.getInteger("b9.profileMaps", 0);
                  if (profileMaps > 0) {
                    List<Long> jvms = new java.util.ArrayList<>(List.of(ProcessHandle.current().pid()));
                    jvms.addAll(two.pids());
                    List<java.util.Map<String, Double>> before = new java.util.ArrayList<>();
                    for (long pid : jvms) {
                      before.add(threadCpu(pid));
                    }
                    long itemsCpu = 0;
                    VmCounters vm0 = VmCounters.now();
                    for (int r = 0; r < profileMaps; r++) {
                      for (long itemCpu : Parallel.map(c2.where(), work, x -> itemCpu(x))) {
                        itemsCpu += itemCpu;
                      }
                    }
                    System.out.printf(
                        "%nB9b profile: %d maps on 2 members; the items' own CPU (fib) %.2f ms per map%n",
                        profileMaps, itemsCpu / 1e6 / profileMaps);
                    VmCounters.now().minus(vm0).print(profileMaps);
                    for (int j = 0; j < jvms.size(); j++) {
                      printThreadCpu(j == 0 ? "caller" : "member " + j, before.get(j), threadCpu(jvms.get(j)), profileMaps);
                    }
                  }
                  // -Db9.memberJfrDump=/tmp/prefix: the members end by SIGKILL, so a recording
                  // they run (-Db9.memberJvm="-XX:StartFlightRecording=...") is dumped here first.
                  String dump = System.getProperty("b9.memberJfrDump");
                  if (dump != null) {
                    List<Long> pids = new java.util.ArrayList<>(one.pids());
                    pids.addAll(two.pids());
                    for (long pid : pids) {
                      jfrDump(pid, dump + "-" + pid + ".jfr");
                    }
                  }
                }));
  }

  /** This JVM's allocation, JIT and GC figures, to print per map. */
  record VmCounters(long allocated, long jitMillis, long gcCount, long gcMillis) {
    static VmCounters now() {
      var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long count = 0;
      long millis = 0;
      for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        count += gc.getCollectionCount();
        millis += gc.getCollectionTime();
      }
      return new VmCounters(
          threads.getTotalThreadAllocatedBytes(),
          java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime(),
          count,
          millis);
    }

    VmCounters minus(VmCounters o) {
      return new VmCounters(allocated - o.allocated, jitMillis - o.jitMillis, gcCount - o.gcCount, gcMillis - o.gcMillis);
    }

    void print(int maps) {
      System.out.printf(
          "  caller per map: %.1f KB allocated, JIT %.2f ms, %.3f GCs taking %.2f ms%n",
          allocated / 1024.0 / maps, (double) jitMillis / maps, (double) gcCount / maps, (double) gcMillis / maps);
    }
  }

  /** {@link #fib}, returning the CPU time of its own thread it took, ns. */
  static long itemCpu(int n) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = threads.getCurrentThreadCpuTime();
    fib(n);
    return threads.getCurrentThreadCpuTime() - t0;
  }

  private static final java.util.regex.Pattern THREAD_LINE =
      java.util.regex.Pattern.compile("^\"(.*?)\".*? cpu=([0-9.]+)ms");

  /**
   * Each thread's CPU so far in JVM {@code pid}, ms, threads of one pool summed: this JVM's by
   * {@code ThreadMXBean} (its VM threads as one "VM (GC, JIT, ...)"), another's by {@code jcmd
   * Thread.print} (bounded: a jcmd that does not answer in 20 s is dropped).
   */
  private static java.util.Map<String, Double> threadCpu(long pid) {
    java.util.Map<String, Double> out = new java.util.HashMap<>();
    if (pid == ProcessHandle.current().pid()) {
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      double javaMs = 0;
      for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
        long ns = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
        if (ns > 0) {
          out.merge(poolName(info.getThreadName()), ns / 1e6, Double::sum);
          javaMs += ns / 1e6;
        }
      }
      out.put("VM (GC, JIT, ...) and ended threads", callerCpu() / 1e6 - javaMs);
      return out;
    }
    String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("b9-threads", ".txt");
      Process p =
          new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(file.toFile())
              .start();
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.out.println("  jcmd Thread.print " + pid + ": no answer in 20 s");
      }
      for (String line : java.nio.file.Files.readAllLines(file)) {
        var m = THREAD_LINE.matcher(line);
        if (m.find()) {
          out.merge(poolName(m.group(1)), Double.parseDouble(m.group(2)), Double::sum);
        }
      }
      java.nio.file.Files.delete(file);
    } catch (java.io.IOException e) {
      System.out.println("  jcmd Thread.print " + pid + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** One name for a pool's threads: hz.instance.cached.thread-7 becomes cached.thread-*. */
  private static String poolName(String thread) {
    return thread.replaceAll("^hz\\.[^.]*\\.", "").replaceAll("[-#]?[0-9]+$", "*");
  }

  private static void printThreadCpu(String who, java.util.Map<String, Double> before, java.util.Map<String, Double> after, int maps) {
    java.util.Map<String, Double> diff = new java.util.HashMap<>();
    after.forEach((k, v) -> diff.put(k, v - before.getOrDefault(k, 0.0)));
    double total = diff.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("  %s: %.2f ms CPU per map in threads:", who, total / maps);
    diff.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(8)
        .forEach(e -> System.out.printf(" %s %.2f;", e.getKey(), e.getValue() / maps));
    System.out.println();
  }

  /** Dumps the flight recording of JVM {@code pid} to {@code file} with {@code jcmd}. */
  private static void jfrDump(long pid, String file) {
    String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p = new ProcessBuilder(jcmd, Long.toString(pid), "JFR.dump", "filename=" + file).inheritIO().start();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.out.println("  jcmd JFR.dump " + pid + ": no answer in 60 s");
      }
    } catch (java.io.IOException e) {
      System.out.println("  jcmd JFR.dump " + pid + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long perCall(int calls, Runnable call) {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return (System.nanoTime() - t0) / calls;
  }

  private static long cpuPerCall(int calls, Runnable call) {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long t0 = os.getProcessCpuTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return (os.getProcessCpuTime() - t0) / calls;
  }

  private static long time(Runnable body) {
    long t0 = System.nanoTime();
    body.run();
    return System.nanoTime() - t0;
  }

  /** {@link #time}, adding the bench JVM's CPU, the members' CPU and the wall time to {@code cpu} when not null. */
  private static long timed(Runnable body, List<Long> members, long[] cpu) {
    if (cpu == null) {
      return time(body);
    }
    long caller = callerCpu();
    long others = membersCpu(members);
    long t = time(body);
    cpu[0] += callerCpu() - caller;
    cpu[1] += membersCpu(members) - others;
    cpu[2] += t;
    return t;
  }

  private static long callerCpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The member JVMs' CPU time so far, ns (10 ms grain: summed over many maps). */
  private static long membersCpu(List<Long> pids) {
    long ns = 0;
    for (long pid : pids) {
      ns +=
          ProcessHandle.of(pid)
              .flatMap(p -> p.info().totalCpuDuration())
              .map(java.time.Duration::toNanos)
              .orElse(0L);
    }
    return ns;
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
