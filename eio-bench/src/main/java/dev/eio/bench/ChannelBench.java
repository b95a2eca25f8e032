package dev.eio.bench;

import dev.eio.Channel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.function.IntFunction;

/**
 * B2: {@link Channel} against {@code ArrayBlockingQueue}, {@code SynchronousQueue}, {@code
 * LinkedTransferQueue} and Jox {@code Channel}, all driven from virtual threads, in one JVM run.
 *
 * <p>Shapes: 1 producer/1 consumer and 4/4 at capacities 0, 1, 16 and 1024 (each baseline where
 * it has that capacity: {@code SynchronousQueue} (default, unfair: a LIFO stack; and fair, FIFO
 * like {@code Channel}) and {@code LinkedTransferQueue.transfer} only
 * at 0, {@code ArrayBlockingQueue} only above 0), then Eio's {@code bench_stream} shape (sender
 * fibers sending 1..100,000 to one receiver that sums them; the sum is checked). Each line is the
 * median of the measured rounds after warm-up rounds, then the range from the fastest round to the
 * slowest; the ratio is baseline time / our time (above 1: we are faster).
 *
 * <p>Arguments (all optional): {@code items=N} items per round (default 400000), {@code
 * rounds=N} measured rounds (default 5), {@code warmup=N} (default 3), {@code only=PREFIX} runs
 * only the lines whose shape and capacity start with PREFIX (e.g. {@code only=4P/4C} or
 * {@code only=stream10}), {@code jctools=1} adds the JCTools prototype (ADR 34) to the capacity 16
 * and 1024 lines, {@code ring=1} the padded ring prototype of ADR 42 ({@link RingPrototype}), and
 * {@code verbose=1} prints every round with the CPU nanoseconds per item of all the JVM's threads,
 * at 1P/1C the share of samples in which producer and consumer ran on one carrier, and for the
 * ring its waits, yields and parks per item.
 */
public final class ChannelBench {
  private ChannelBench() {}

  /** The operations a queue under test offers, blocking. */
  interface Q {
    void put(Integer x) throws Exception;

    Integer take() throws Exception;
  }

  private static final Integer[] VALUES = new Integer[1024];

  static {
    for (int i = 0; i < VALUES.length; i++) {
      VALUES[i] = i + 1;
    }
  }

  record Impl(String name, IntFunction<Q> make) {}

  static Q eio(int capacity) {
    Channel<Integer> ch = Channel.create(capacity);
    return new Q() {
      @Override
      public void put(Integer x) {
        ch.send(x);
      }

      @Override
      public Integer take() {
        return ch.receive();
      }
    };
  }

  static Q jox(int capacity) {
    com.softwaremill.jox.Channel<Integer> ch =
        capacity == 0
            ? com.softwaremill.jox.Channel.newRendezvousChannel()
            : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
    return new Q() {
      @Override
      public void put(Integer x) throws InterruptedException {
        ch.send(x);
      }

      @Override
      public Integer take() throws InterruptedException {
        return ch.receive();
      }
    };
  }

  static Q abq(int capacity) {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(capacity);
    return new Q() {
      @Override
      public void put(Integer x) throws InterruptedException {
        q.put(x);
      }

      @Override
      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  static Q sync(int capacity) {
    return sync(new SynchronousQueue<>());
  }

  static Q ring(int capacity) {
    return new RingPrototype(capacity, true);
  }

  static Q ringBare(int capacity) {
    return new RingPrototype(capacity, false);
  }

  // Regime sampling (verbose=1): every SAMPLE_MASK + 1 items the first producer compares its
  // carrier with the one the first consumer last reported; a virtual thread's toString names its
  // carrier ("VirtualThread[#22]/runnable@ForkJoinPool-1-worker-1").
  private static final int SAMPLE_MASK = 1023;
  static boolean sampleRegime;
  // verbose=1: print every round; the items of a round, to turn CPU time into CPU time per item
  static boolean verbose;
  static int roundItems;
  static volatile String consumerCarrier;
  static int sameCarrier;
  static int samples;

  private static String carrier() {
    String s = Thread.currentThread().toString();
    return s.substring(s.indexOf('@') + 1);
  }

  // A volatile field every operation of the JCTools prototype reads after a full fence, as a
  // lock-free fast path must to see a waiter that registered meanwhile (ADR 34).
  static volatile int waiters;

  /**
   * The upper bound of a JCTools fast path for a buffered channel (ADR 34): JCTools' atomic MPMC
   * array queue, with the fence and waiter check such a path needs on every operation, and no
   * waiters at all: a full or empty queue is waited out by yielding. No close, no select, no
   * cancellation; the capacity is rounded up to a power of two.
   */
  static Q jctools(int capacity) {
    return jctools(capacity, true);
  }

  /** {@link #jctools} without the fence and check: the bare queue, which cannot be a channel. */
  static Q jctoolsBare(int capacity) {
    return jctools(capacity, false);
  }

  static Q jctools(int capacity, boolean fenced) {
    var q = new org.jctools.queues.atomic.MpmcAtomicArrayQueue<Integer>(Math.max(2, capacity));
    if (!fenced) {
      return new Q() {
        @Override
        public void put(Integer x) {
          while (!q.offer(x)) {
            Thread.yield();
          }
        }

        @Override
        public Integer take() {
          Integer x;
          while ((x = q.poll()) == null) {
            Thread.yield();
          }
          return x;
        }
      };
    }
    return new Q() {
      @Override
      public void put(Integer x) {
        while (!q.offer(x)) {
          Thread.yield();
        }
        java.lang.invoke.VarHandle.fullFence();
        if (waiters != 0) {
          throw new AssertionError();
        }
      }

      @Override
      public Integer take() {
        Integer x;
        while ((x = q.poll()) == null) {
          Thread.yield();
        }
        java.lang.invoke.VarHandle.fullFence();
        if (waiters != 0) {
          throw new AssertionError();
        }
        return x;
      }
    };
  }

  // The default SynchronousQueue is unfair: waiters form a stack (LIFO), one pointer to update;
  // a fair one (FIFO, the order Channel keeps) shows what that order costs the JDK.
  static Q syncFair(int capacity) {
    return sync(new SynchronousQueue<>(true));
  }

  private static Q sync(SynchronousQueue<Integer> q) {
    return new Q() {
      @Override
      public void put(Integer x) throws InterruptedException {
        q.put(x);
      }

      @Override
      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  static Q ltqTransfer(int capacity) {
    LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
    return new Q() {
      @Override
      public void put(Integer x) throws InterruptedException {
        q.transfer(x);
      }

      @Override
      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  static Q ltqUnbounded(int capacity) {
    LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
    return new Q() {
      @Override
      public void put(Integer x) {
        q.put(x);
      }

      @Override
      public Integer take() throws InterruptedException {
        return q.take();
      }
    };
  }

  /**
   * Moves {@code items} items from {@code producers} to {@code consumers} virtual threads; returns
   * ns per item, after checking that the received values sum to the sent ones.
   */
  static double run(Q q, int producers, int consumers, int items) throws Exception {
    long[] sums = new long[consumers];
    long expected = 0;
    for (int i = 0; i < items; i++) {
      expected += VALUES[i & 1023];
    }
    List<Thread> threads = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    long t0 = System.nanoTime();
    for (int p = 0; p < producers; p++) {
      int from = (int) ((long) items * p / producers);
      int to = (int) ((long) items * (p + 1) / producers);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      boolean sample = sampleRegime && from == 0;
                      for (int i = from; i < to; i++) {
                        q.put(VALUES[i & 1023]);
                        if (sample && (i & SAMPLE_MASK) == 0) {
                          String c = consumerCarrier;
                          if (c != null) {
                            samples++;
                            if (c.equals(carrier())) {
                              sameCarrier++;
                            }
                          }
                        }
                      }
                    } catch (Throwable e) {
                      failure[0] = e;
                    }
                  }));
    }
    for (int c = 0; c < consumers; c++) {
      int k = c;
      int n = (int) ((long) items * (c + 1) / consumers) - (int) ((long) items * c / consumers);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      long s = 0;
                      boolean sample = sampleRegime && k == 0;
                      for (int i = 0; i < n; i++) {
                        s += q.take();
                        if (sample && (i & SAMPLE_MASK) == 0) {
                          consumerCarrier = carrier();
                        }
                      }
                      sums[k] = s;
                    } catch (Throwable e) {
                      failure[0] = e;
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long dt = System.nanoTime() - t0;
    if (failure[0] != null) {
      throw new IllegalStateException("benchmark run failed", failure[0]);
    }
    if (Arrays.stream(sums).sum() != expected) {
      throw new IllegalStateException("lost or duplicated items: sum " + Arrays.stream(sums).sum());
    }
    return (double) dt / items;
  }

  /**
   * One round of {@link Channel} between virtual threads, ns per item: the entry point {@link
   * ChannelVersionsBench} calls in the copy of this class that each eio-core version is loaded
   * with.
   */
  public static double eioRound(int producers, int consumers, int capacity, int items)
      throws Exception {
    return run(eio(capacity), producers, consumers, items);
  }

  /**
   * Eio's bench_stream: {@code senders} fibers together send 1..n, one receiver sums them.
   */
  static double stream(Q q, int senders, int n) throws Exception {
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int s = 0; s < senders; s++) {
      int k = s;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = k + 1; i <= n; i += senders) {
                        q.put(i);
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    long[] sum = new long[1];
    threads.add(
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    long s = 0;
                    for (int i = 0; i < n; i++) {
                      s += q.take();
                    }
                    sum[0] = s;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
    for (Thread t : threads) {
      t.join();
    }
    long dt = System.nanoTime() - t0;
    if (sum[0] != (long) n * (n + 1) / 2) {
      throw new IllegalStateException("bench_stream sum " + sum[0] + " != " + (long) n * (n + 1) / 2);
    }
    return (double) dt / n;
  }

  /**
   * The path where nobody waits, alone: one platform thread sends 16 items and receives them,
   * over and over, so that no operation ever waits and no scheduler is involved; returns the
   * thread's CPU nanoseconds per item (one send and one receive), which a loaded machine
   * stretches far less than wall time.
   */
  static double solo(Q q, int items) throws Exception {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] result = new long[2];
    Exception[] failure = new Exception[1];
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    long sum = 0;
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < items; i += 16) {
                      for (int j = 0; j < 16; j++) {
                        q.put(VALUES[j]);
                      }
                      for (int j = 0; j < 16; j++) {
                        sum += q.take();
                      }
                    }
                    result[0] = mx.getCurrentThreadCpuTime() - c0;
                    result[1] = sum;
                  } catch (Exception e) {
                    failure[0] = e;
                  }
                });
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    if (result[1] != (long) (items / 16) * 136) {
      throw new IllegalStateException("solo sum " + result[1]);
    }
    return (double) result[0] / items;
  }

  /**
   * The CPU time of all live threads (the carriers, the JIT and GC threads), in nanoseconds: the
   * process's own counter ticks in 10 ms steps here, too coarse for a round.
   */
  static long allThreadsCpu() {
    var mx = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long t : mx.getThreadCpuTime(mx.getAllThreadIds())) {
      sum += Math.max(0, t);
    }
    return sum;
  }

  interface Round {
    double run(Impl impl) throws Exception;
  }

  /** One implementation's ns/item over the measured rounds. */
  record Spread(double median, double min, double max) {}

  /**
   * Runs every implementation once per round, round-robin, so that load changes on a shared
   * machine hit all of them alike; returns each one's ns/item over the measured rounds.
   */
  static Spread[] measure(List<Impl> impls, Round r, int warmup, int rounds) throws Exception {
    double[][] xs = new double[impls.size()][rounds];
    double[][] cpu = new double[impls.size()][rounds];
    for (int i = 0; i < warmup + rounds; i++) {
      for (int k = 0; k < impls.size(); k++) {
        consumerCarrier = null;
        samples = 0;
        sameCarrier = 0;
        long c0 = allThreadsCpu();
        double ns = r.run(impls.get(k));
        double cpuNs = (allThreadsCpu() - c0) / (double) roundItems;
        if (i >= warmup) {
          xs[k][i - warmup] = ns;
          cpu[k][i - warmup] = cpuNs;
        }
        if (verbose) {
          RingPrototype ring = RingPrototype.last;
          RingPrototype.last = null;
          System.out.printf(
              Locale.ROOT,
              "  round %d %-34s %8.1f ns/item %8.1f cpu-ns/item  same carrier %s%s%n",
              i - warmup, impls.get(k).name(), ns, cpuNs,
              samples == 0 ? "-" : String.format(Locale.ROOT, "%3.0f%% of %d", 100.0 * sameCarrier / samples, samples),
              ring == null ? "" : "  " + ring.counters(roundItems));
        }
      }
    }
    if (verbose) {
      for (int k = 0; k < impls.size(); k++) {
        double[] c = cpu[k].clone();
        Arrays.sort(c);
        System.out.printf(Locale.ROOT, "  median cpu-ns/item %-34s %8.1f%n", impls.get(k).name(), c[rounds / 2]);
      }
    }
    Spread[] m = new Spread[impls.size()];
    for (int k = 0; k < m.length; k++) {
      Arrays.sort(xs[k]);
      m[k] = new Spread(xs[k][rounds / 2], xs[k][0], xs[k][rounds - 1]);
    }
    return m;
  }

  // The range shows what a median hides: a rendezvous between two fibers runs in one of two
  // regimes (both fibers spinning on their own carriers, or taking turns on one), several times
  // apart, and a round lands in either (BENCHMARKS.md, B2).
  static void print(String shape, int cap, List<Impl> impls, Spread[] ns) {
    for (int k = 0; k < impls.size(); k++) {
      System.out.printf(
          Locale.ROOT,
          "%-10s %-8d %-32s %10.1f %9.2fx %8.0f to %.0f%n",
          shape, cap, impls.get(k).name(), ns[k].median(), ns[k].median() / ns[0].median(),
          ns[k].min(), ns[k].max());
    }
  }

  public static void main(String[] args) throws Exception {
    int items = 400_000;
    int rounds = 5;
    int warmup = 3;
    String only = null;
    // The JCTools prototype never parks: its waits are Thread.yield loops, which at 4P/4C under
    // the real-time priority of /work/wt/quiet-bench ran for minutes (ADR 40), so the wall-time
    // shapes include it only on request; the solo shape always does.
    boolean jctools = false;
    boolean ring = false;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
      }
      if (kv[0].equals("only")) {
        only = kv[1];
        continue;
      }
      int v = Integer.parseInt(kv[1]);
      switch (kv[0]) {
        case "items" -> items = v;
        case "rounds" -> rounds = v;
        case "warmup" -> warmup = v;
        case "jctools" -> jctools = v != 0;
        case "ring" -> ring = v != 0;
        case "verbose" -> verbose = v != 0;
        default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "B2 Channel: %d items/round, median of %d rounds after %d warm-up; JDK %s, %d cpus%n",
        items, rounds, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-10s %-8s %-32s %10s %10s %s%n", "shape", "capacity", "impl", "ns/item", "ours is", "   range (ns/item)");
    int[][] shapes = {{1, 1}, {4, 4}};
    for (int[] shape : shapes) {
      for (int cap : new int[] {0, 1, 16, 1024}) {
        List<Impl> impls = new ArrayList<>();
        impls.add(new Impl("eio Channel", ChannelBench::eio));
        impls.add(new Impl("Jox Channel", ChannelBench::jox));
        if (cap == 0) {
          impls.add(new Impl("SynchronousQueue", ChannelBench::sync));
          impls.add(new Impl("SynchronousQueue (fair)", ChannelBench::syncFair));
          impls.add(new Impl("LinkedTransferQueue.transfer", ChannelBench::ltqTransfer));
        } else {
          impls.add(new Impl("ArrayBlockingQueue", ChannelBench::abq));
          if (cap >= 16 && jctools) {
            impls.add(new Impl("JCTools MPMC fast path, no waiters", ChannelBench::jctools));
          }
          if (cap >= 16 && ring) {
            impls.add(new Impl("ring prototype (ADR 42)", ChannelBench::ring));
          }
          if (cap == 1024) {
            impls.add(new Impl("LinkedTransferQueue (unbounded)", ChannelBench::ltqUnbounded));
          }
        }
        String shapeName = shape[0] + "P/" + shape[1] + "C";
        if (only != null && !(shapeName + " " + cap).startsWith(only)) {
          continue;
        }
        int n = items;
        roundItems = n;
        sampleRegime = verbose && shape[0] == 1 && shape[1] == 1;
        Spread[] ns =
            measure(impls, impl -> run(impl.make().apply(cap), shape[0], shape[1], n), warmup, rounds);
        sampleRegime = false;
        print(shapeName, cap, impls, ns);
      }
    }
    if (only == null || "solo 16".startsWith(only) || only.startsWith("solo")) {
      List<Impl> impls = new ArrayList<>();
      impls.add(new Impl("eio Channel", ChannelBench::eio));
      impls.add(new Impl("ArrayBlockingQueue", ChannelBench::abq));
      impls.add(new Impl("JCTools MPMC fast path, no waiters", ChannelBench::jctools));
      impls.add(new Impl("JCTools MPMC bare (no fence)", ChannelBench::jctoolsBare));
      impls.add(new Impl("ring prototype (ADR 42)", ChannelBench::ring));
      impls.add(new Impl("ring prototype bare (no fence)", ChannelBench::ringBare));
      int n = items;
      roundItems = n;
      Spread[] ns = measure(impls, impl -> solo(impl.make().apply(16), n), warmup, rounds);
      print("solo CPU", 16, impls, ns);
    }
    int n = 100_000;
    for (int cap : new int[] {0, 16}) {
      if (only != null && !("stream10 " + cap).startsWith(only)) {
        continue;
      }
      List<Impl> impls = new ArrayList<>();
      impls.add(new Impl("eio Channel", ChannelBench::eio));
      impls.add(new Impl("Jox Channel", ChannelBench::jox));
      impls.add(cap == 0 ? new Impl("SynchronousQueue", ChannelBench::sync) : new Impl("ArrayBlockingQueue", ChannelBench::abq));
      roundItems = n;
      Spread[] ns = measure(impls, impl -> stream(impl.make().apply(cap), 10, n), warmup, rounds);
      print("stream10", cap, impls, ns);
    }
  }
}
