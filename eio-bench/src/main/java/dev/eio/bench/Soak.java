package dev.eio.bench;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.net.Net;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The soak: for a given duration, worker fibers run a random mix of short operations (TCP echo
 * exchanges, channel producers and consumers, child processes), about a third of them cancelled
 * at a random point by a timeout, each checking its invariant (see {@link SoakOps}). Every sample
 * interval the workload is paused until nothing of it runs, and the program records heap used
 * after a full GC, open file descriptors, live platform threads (the JDK's process reaper threads
 * apart), live child processes and the soak's own live fibers.
 *
 * <p><b>Flat</b> means, comparing the median of the samples in the last third of the run with
 * the baseline (the median of the first three samples after the warm-up, which is a tenth of the
 * run, from 10 s to 2 min): heap at most baseline × 1.25 + 8 MiB, file descriptors at most
 * baseline + 2, platform threads at most baseline + 4. At every sample, once the workload is
 * paused, no fiber of it and no child process is left, and the reaper threads (one per child
 * running at once, idle ones expire after a minute) are at most two per worker plus two. The
 * program exits with status 1 and says why when the counts
 * are not flat, when an invariant broke (an item lost, an echo that differs, a process that
 * failed) or when anything unexpected was thrown; 2 on bad flags.
 *
 * <pre>
 * mvn -q -Pbench package -pl eio-bench -am -Dbench.main=dev.eio.bench.Soak \
 *     -Dbench.args="--duration 30m --seed 42 --sample 5s"
 * </pre>
 */
public final class Soak {
  private static final long MIB = 1024 * 1024;
  private static final Duration QUIESCE_LIMIT = Duration.ofSeconds(60);

  /**
   * A sample: seconds since the start, heap used after GC, open file descriptors, live platform
   * threads apart from the JDK's process reapers, the reapers, live child processes and the
   * soak's live fibers.
   */
  record Sample(
      double seconds, long heap, long fds, int threads, int reapers, long children, int fibers) {}

  private final Duration duration;
  private final long seed;
  private final Duration interval;
  private final int workers;
  private final List<Sample> samples = new ArrayList<>();
  // The gate: workers run operations while it is open; the sampler closes it and waits for the
  // running operations to end.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean paused;
  private int running;
  private volatile boolean done;

  private Soak(Duration duration, long seed, Duration interval, int workers) {
    this.duration = duration;
    this.seed = seed;
    this.interval = interval;
    this.workers = workers;
  }

  public static void main(String[] args) {
    Duration duration = Duration.ofMinutes(30);
    long seed = System.nanoTime();
    Duration interval = Duration.ofSeconds(5);
    int workers = 8;
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--duration" -> duration = parseDuration(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--sample" -> interval = parseDuration(value);
          case "--workers" -> workers = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown flag " + args[i]);
        }
        i++;
      }
      if (workers < 1 || interval.isZero() || duration.compareTo(interval.multipliedBy(6)) < 0) {
        throw new IllegalArgumentException(
            "need --workers >= 1 and a --duration of at least 6 sample intervals");
      }
    } catch (RuntimeException e) {
      System.err.println("Soak: " + e.getMessage());
      System.err.println(
          "usage: Soak [--duration 30m] [--seed N] [--sample 5s] [--workers 8]"
              + " (durations: 90s, 2m, 1h)");
      System.exit(2);
    }
    String verdict = new Soak(duration, seed, interval, workers).run();
    System.out.println(
        (verdict == null ? "SOAK PASSED" : "SOAK FAILED: " + verdict) + " (seed " + seed + ")");
    System.exit(verdict == null ? 0 : 1);
  }

  static Duration parseDuration(String s) {
    if (s == null || s.length() < 2) {
      throw new IllegalArgumentException("a duration such as 90s, 2m or 1h was expected, got " + s);
    }
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (s.charAt(s.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException("unit s, m or h expected, got " + s);
    };
  }

  /** Runs the soak; returns null when it passed, else what went wrong. */
  private String run() {
    System.out.printf(
        "soak: duration %s, seed %d, sample every %s, %d workers, pid %d%n",
        duration, seed, interval, workers, ProcessHandle.current().pid());
    long start = System.nanoTime();
    SoakOps[] opsHolder = new SoakOps[1];
    String failure;
    try {
      Eio.run(env -> runIn(env, start, opsHolder));
      failure = null;
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      failure = "unexpected " + t;
    }
    SoakOps ops = opsHolder[0];
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "soak: ran %.0f s, %d samples; operations: %s; %d channel items, %d bytes echoed,"
            + " %d echo connections cut by cancelled clients%n",
        seconds, samples.size(), ops == null ? "none" : ops.kinds(),
        ops == null ? 0 : ops.channelItems.get(), ops == null ? 0 : ops.bytesEchoed.get(),
        ops == null ? 0 : ops.serverPeerErrors.get());
    Sample after = sample(seconds, 0);
    System.out.printf("soak: after the run: %s; threads: %s%n", show(after), threadNames());
    return failure != null ? failure : judge(seconds);
  }

  private void runIn(Env env, long start, SoakOps[] opsHolder) {
    SoakOps ops = new SoakOps(env.clock(), Net.of(env), env.processes());
    opsHolder[0] = ops;
    Switch.run(
        "soak",
        sw -> {
          Promise<Void> stop = Promise.create();
          ops.startEchoServer(sw, stop);
          Switch.run(
              "soak-workload",
              work -> {
                for (int w = 0; w < workers; w++) {
                  SplittableRandom rnd = new SplittableRandom(seed * 31 + w);
                  work.fork(() -> worker(ops, rnd, start));
                }
                work.fork(() -> sampler(env, ops, start));
              });
          Throwable serverFailure = ops.serverFailure();
          if (serverFailure != null) {
            throw new IllegalStateException("the echo server failed", serverFailure);
          }
          stop.resolve(null);
        });
  }

  private boolean timeUp(long start) {
    return done || System.nanoTime() - start >= duration.toNanos();
  }

  private void worker(SoakOps ops, SplittableRandom rnd, long start) throws Exception {
    while (!timeUp(start)) {
      enter();
      try {
        int pick = rnd.nextInt(10);
        long t0 = System.nanoTime();
        SoakOps.Kind kind;
        if (pick < 4) {
          kind = ops.net;
          ops.netRound(rnd);
        } else if (pick < 8) {
          kind = ops.channels;
          ops.channelRound(rnd);
        } else {
          kind = ops.processes;
          ops.processRound(rnd);
        }
        kind.slowest.accumulate(System.nanoTime() - t0);
      } finally {
        exit();
      }
    }
  }

  private void sampler(Env env, SoakOps ops, long start) throws Exception {
    long next = start;
    while (true) {
      next += interval.toNanos();
      long wait = Math.min(next, start + duration.toNanos()) - System.nanoTime();
      if (wait > 0) {
        env.clock().sleep(Duration.ofNanos(wait));
      }
      boolean last = timeUp(start);
      done = last;
      quiesce(env, ops);
      try {
        Sample s = sample((System.nanoTime() - start) / 1e9, ops.liveFibers.get());
        samples.add(s);
        System.out.printf("soak: %s; ops %s%n", show(s), ops.kinds());
        if (s.fibers() != 0 || s.children() != 0) {
          throw new IllegalStateException(
              s.fibers() + " fibers and " + s.children() + " child processes left while the"
                  + " workload is paused\n" + Eio.dump());
        }
        if (s.reapers() > 2 * workers + 2) {
          throw new IllegalStateException(
              s.reapers() + " process reaper threads, more than the workers' children can use");
        }
      } finally {
        resume();
      }
      if (last) {
        return;
      }
      next = Math.max(next, System.nanoTime()); // a slow pause skips samples, never bunches them
    }
  }

  // ------------------------------------------------------------------ the gate

  private void enter() throws InterruptedException {
    lock.lock();
    try {
      while (paused) {
        changed.await();
      }
      running++;
    } finally {
      lock.unlock();
    }
  }

  private void exit() {
    lock.lock();
    try {
      running--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pauses the workers and waits until no operation runs and no fiber of theirs (an echo handler
   * finishing its side) is left; a workload that does not settle within a minute is a hang.
   */
  private void quiesce(Env env, SoakOps ops) throws InterruptedException {
    long deadline = System.nanoTime() + QUIESCE_LIMIT.toNanos();
    lock.lock();
    try {
      paused = true;
      while (running > 0) {
        if (!changed.await(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException(
              running + " operations still running " + QUIESCE_LIMIT.toSeconds()
                  + " s after the pause: a hang\n" + Eio.dump());
        }
      }
    } finally {
      lock.unlock();
    }
    while (ops.liveFibers.get() > 0 && System.nanoTime() < deadline) {
      env.clock().sleep(Duration.ofMillis(5));
    }
  }

  private void resume() {
    lock.lock();
    try {
      paused = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ measuring

  private static Sample sample(double seconds, int fibers) {
    System.gc();
    System.gc(); // the second one also reclaims what the first one's cleaners released
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    // The JDK waits for each child on a thread of a cached pool ("process reaper"): as many as
    // children ran at once, idle ones expiring after a minute. Counted apart, with their own
    // bound, so the rest can be held to a tight one.
    int reapers =
        (int) Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("process reaper"))
            .count();
    long children = ProcessHandle.current().descendants().count();
    return new Sample(seconds, heap, openFds(), threads - reapers, reapers, children, fibers);
  }

  /** The live platform threads by name, digits folded ("pool-#"), with counts. */
  private static String threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.isVirtual())
        .collect(
            java.util.stream.Collectors.groupingBy(
                t -> t.getName().replaceAll("[0-9]+", "#"),
                java.util.TreeMap::new,
                java.util.stream.Collectors.counting()))
        .toString();
  }

  /** Open file descriptors, not counting the one that lists them. */
  static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count() - 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String show(Sample s) {
    return String.format(
        Locale.ROOT,
        "t=%.0fs heap %.1f MiB, %d fds, %d threads + %d process reapers, %d children, %d fibers",
        s.seconds(), s.heap() / (double) MIB, s.fds(), s.threads(), s.reapers(), s.children(),
        s.fibers());
  }

  /** Null when the counts are flat (see the class comment), else which one is not. */
  private String judge(double seconds) {
    double warmup = Math.min(120, Math.max(10, duration.toSeconds() / 10.0));
    List<Sample> after = samples.stream().filter(s -> s.seconds() >= warmup).toList();
    List<Sample> tail = samples.stream().filter(s -> s.seconds() >= seconds * 2 / 3).toList();
    if (after.size() < 3 || tail.isEmpty()) {
      return "too few samples (" + samples.size() + ") to judge: lengthen --duration";
    }
    List<Sample> base = after.subList(0, 3);
    long heap0 = median(base.stream().mapToLong(Sample::heap).toArray());
    long fds0 = median(base.stream().mapToLong(Sample::fds).toArray());
    long threads0 = median(base.stream().mapToLong(Sample::threads).toArray());
    long heap1 = median(tail.stream().mapToLong(Sample::heap).toArray());
    long fds1 = median(tail.stream().mapToLong(Sample::fds).toArray());
    long threads1 = median(tail.stream().mapToLong(Sample::threads).toArray());
    System.out.printf(
        Locale.ROOT,
        "soak: baseline (median of the first 3 samples after %.0f s) heap %.1f MiB, %d fds, %d"
            + " threads; last third (median of %d samples) heap %.1f MiB, %d fds, %d threads%n",
        warmup, heap0 / (double) MIB, fds0, threads0, tail.size(), heap1 / (double) MIB, fds1,
        threads1);
    List<String> grown = new ArrayList<>();
    if (heap1 > heap0 * 1.25 + 8 * MIB) {
      grown.add(String.format(Locale.ROOT, "heap grew from %.1f to %.1f MiB (limit +25%% + 8 MiB)",
          heap0 / (double) MIB, heap1 / (double) MIB));
    }
    if (fds1 > fds0 + 2) {
      grown.add("file descriptors grew from " + fds0 + " to " + fds1 + " (limit +2)");
    }
    if (threads1 > threads0 + 4) {
      grown.add("platform threads grew from " + threads0 + " to " + threads1 + " (limit +4)");
    }
    return grown.isEmpty() ? null : String.join("; ", grown);
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }
}
