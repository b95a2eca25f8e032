package dev.eio.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Mailbox;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * B10: eio actors against Pekko typed actors 1.7.0, side by side in one JVM, rounds interleaved:
 * local ping-pong (round trips per second), fan-in (8 senders to 1 actor, messages per second)
 * and heap per idle actor. Each throughput round reports wall time and process CPU time per
 * operation; the medians and their ratio (eio / Pekko in ops per second: above 1 means eio is
 * faster) are printed.
 *
 * <pre>
 * mvn -q -Pbench package -pl eio-bench -am -Dbench.main=dev.eio.bench.ActorBench \
 *     -Dbench.args="all 200000 1000000 100000 7"
 * </pre>
 *
 * Arguments: mode ({@code pingpong}, {@code fanin}, {@code heap}, {@code all}, or {@code
 * idlecpu}: the process CPU time 10,000 idle eio actors use over 3 seconds, after they parked),
 * round trips per ping-pong round, messages per fan-in round (all senders together), idle actors
 * for the heap figure, rounds.
 */
public final class ActorBench {
  private ActorBench() {}

  static final int SENDERS = 8;
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** One measured run: wall and CPU nanoseconds and bytes allocated for {@code ops} operations. */
  record Sample(long wallNanos, long cpuNanos, long bytes, long ops) {}

  static Sample measure(long ops, Runnable body) {
    long b0 = THREADS.getTotalThreadAllocatedBytes();
    long c0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    body.run();
    long t1 = System.nanoTime();
    long c1 = OS.getProcessCpuTime();
    long b1 = THREADS.getTotalThreadAllocatedBytes();
    return new Sample(t1 - t0, c1 - c0, b1 - b0, ops);
  }

  // ---------------------------------------------------------------- eio

  record EPing(ActorRef<Object> replyTo) {}

  static final Object PONG = "pong";

  static Sample eioPingPong(int n) {
    return Switch.call(sw -> {
      ActorRef<EPing> ponger = Actors.spawn(sw, "ponger", Mailbox.unbounded(), ctx -> {
        while (true) {
          ctx.receive().replyTo().send(PONG);
        }
      });
      Promise<Void> done = Promise.create();
      CountDownLatch go = new CountDownLatch(1);
      Actors.spawn(sw, "pinger", Mailbox.unbounded(), ctx -> {
        EPing ping = new EPing(ctx.self());
        go.await();
        for (int i = 0; i < n; i++) {
          ponger.send(ping);
          ctx.receive();
        }
        done.resolve(null);
      });
      return measure(n, () -> {
        go.countDown();
        done.await();
      });
    });
  }

  static Sample eioFanIn(int total) {
    int per = total / SENDERS;
    return Switch.call(sw -> {
      Promise<Void> done = Promise.create();
      ActorRef<Integer> sink = Actors.spawn(sw, "sink", Mailbox.unbounded(), ctx -> {
        for (int i = 0; i < per * SENDERS; i++) {
          ctx.receive();
        }
        done.resolve(null);
      });
      Integer msg = 1;
      return measure((long) per * SENDERS, () -> {
        for (int s = 0; s < SENDERS; s++) {
          sw.fork(() -> {
            for (int i = 0; i < per; i++) {
              sink.send(msg);
            }
          });
        }
        done.await();
      });
    });
  }

  static long eioIdleHeap(int n) {
    long[] perActor = {0};
    try {
      Switch.run(sw -> {
      AtomicInteger started = new AtomicInteger();
      long before = usedHeap();
      List<ActorRef<Object>> refs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        refs.add(Actors.spawn(sw, "idle", Mailbox.unbounded(), ctx -> {
          started.incrementAndGet();
          ctx.receive();
        }));
      }
      while (started.get() < n) {
        Thread.sleep(10);
      }
      Thread.sleep(200); // let the last ones park
      long after = usedHeap();
      perActor[0] = (after - before) / n;
      sw.fail(new Stop()); // cancel them all
    });
    } catch (Stop expected) {
      // the actors are gone with their switch
    }
    return perActor[0];
  }

  /**
   * CPU milliseconds per second that the JVM's threads (carriers included; GC and compiler
   * threads are not Java threads and are left out) use while {@code n} eio actors wait for a
   * message, measured over {@code seconds} after a settling second: an idle actor must cost no
   * CPU. Per-thread CPU time is read in nanoseconds (the process's own counts in 10 ms ticks).
   */
  static double eioIdleCpu(int n, int seconds) {
    double[] perSecond = {0};
    try {
      Switch.run(sw -> {
        AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < n; i++) {
          Actors.spawn(sw, "idle", Mailbox.unbounded(), ctx -> {
            started.incrementAndGet();
            ctx.receive();
          });
        }
        while (started.get() < n) {
          Thread.sleep(10);
        }
        Thread.sleep(1000);
        Map<Long, Long> c0 = threadCpu();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        Map<Long, Long> c1 = threadCpu();
        long t1 = System.nanoTime();
        long used = 0;
        for (var e : c1.entrySet()) {
          used += e.getValue() - c0.getOrDefault(e.getKey(), 0L);
        }
        perSecond[0] = used / 1e6 / ((t1 - t0) / 1e9);
        sw.fail(new Stop());
      });
    } catch (Stop expected) {
      // the actors are gone with their switch
    }
    return perSecond[0];
  }

  /** CPU nanoseconds so far of every live platform thread, by thread id. */
  static Map<Long, Long> threadCpu() {
    Map<Long, Long> out = new java.util.HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) {
        out.put(id, t);
      }
    }
    return out;
  }

  static final class Stop extends RuntimeException {
    Stop() {
      super("stop", null, false, false);
    }
  }

  // ---------------------------------------------------------------- Pekko

  record PPing(org.apache.pekko.actor.typed.ActorRef<Object> replyTo) {}

  private static final AtomicInteger NAMES = new AtomicInteger();

  static <T> org.apache.pekko.actor.typed.ActorRef<T> pekkoSpawn(
      ActorSystem<Void> system, Behavior<T> b) {
    return system.systemActorOf(b, "a" + NAMES.incrementAndGet(), Props.empty());
  }

  static Sample pekkoPingPong(ActorSystem<Void> system, int n) {
    org.apache.pekko.actor.typed.ActorRef<PPing> ponger =
        pekkoSpawn(system, Behaviors.receiveMessage(p -> {
          p.replyTo().tell(PONG);
          return Behaviors.same();
        }));
    CompletableFuture<Void> done = new CompletableFuture<>();
    org.apache.pekko.actor.typed.ActorRef<Object> pinger =
        pekkoSpawn(system, Behaviors.setup(ctx -> {
          PPing ping = new PPing(ctx.getSelf());
          int[] left = {n};
          return Behaviors.receiveMessage(m -> {
            if (m == PONG && --left[0] == 0) {
              done.complete(null);
              return Behaviors.stopped();
            }
            ponger.tell(ping);
            return Behaviors.same();
          });
        }));
    Sample s = measure(n, () -> {
      pinger.tell("start");
      done.join();
    });
    system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(ponger));
    return s;
  }

  static Sample pekkoFanIn(ActorSystem<Void> system, int total) {
    int per = total / SENDERS;
    CompletableFuture<Void> done = new CompletableFuture<>();
    org.apache.pekko.actor.typed.ActorRef<Integer> sink =
        pekkoSpawn(system, Behaviors.setup(ctx -> {
          int[] left = {per * SENDERS};
          return Behaviors.receiveMessage(m -> {
            if (--left[0] == 0) {
              done.complete(null);
              return Behaviors.stopped();
            }
            return Behaviors.same();
          });
        }));
    Integer msg = 1;
    return measure((long) per * SENDERS, () -> {
      // The same kind of senders as eio's fibers: virtual threads.
      for (int s = 0; s < SENDERS; s++) {
        Thread.ofVirtual().start(() -> {
          for (int i = 0; i < per; i++) {
            sink.tell(msg);
          }
        });
      }
      done.join();
    });
  }

  static long pekkoIdleHeap(ActorSystem<Void> system, int n) throws Exception {
    long before = usedHeap();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Behavior<Object> idle = Behaviors.receiveMessage(m -> Behaviors.same());
    org.apache.pekko.actor.typed.ActorRef<Object> parent =
        pekkoSpawn(system, Behaviors.setup(ctx -> {
          for (int i = 0; i < n; i++) {
            ctx.spawnAnonymous(idle);
          }
          started.complete(null);
          return Behaviors.receiveMessage(m -> Behaviors.stopped());
        }));
    started.get(60, TimeUnit.SECONDS);
    Thread.sleep(200);
    long after = usedHeap();
    parent.tell("stop");
    return (after - before) / n;
  }

  static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
    }
    var m = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return m.getUsed();
  }

  // ---------------------------------------------------------------- driver

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "all";
    int trips = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int fan = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    int idle = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
    System.out.printf("B10 actors: eio vs Pekko typed 1.7.0; %s; JDK %s; %d CPUs; load %s%n",
        mode, Runtime.version(), Runtime.getRuntime().availableProcessors(), load());
    if (mode.equals("idlecpu")) {
      for (int r = 0; r < rounds; r++) {
        System.out.printf("idle CPU, 10,000 eio actors waiting: %.1f ms CPU per second (load %s)%n",
            eioIdleCpu(10_000, 3), load());
      }
      return;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "b10");
    try {
      if (mode.equals("pingpong") || mode.equals("all")) {
        compare("ping-pong round trips", rounds,
            () -> eioPingPong(trips), () -> pekkoPingPong(system, trips));
      }
      if (mode.equals("fanin") || mode.equals("all")) {
        compare("fan-in, " + SENDERS + " senders to 1 actor, messages", rounds,
            () -> eioFanIn(fan), () -> pekkoFanIn(system, fan));
      }
      if (mode.equals("heap") || mode.equals("all")) {
        long[] e = new long[3];
        long[] p = new long[3];
        for (int r = 0; r < 3; r++) {
          e[r] = eioIdleHeap(idle);
          p[r] = pekkoIdleHeap(system, idle);
        }
        Arrays.sort(e);
        Arrays.sort(p);
        System.out.printf("%nheap per idle actor (%d actors, 3 rounds, median): eio %d B, "
            + "Pekko %d B, eio/Pekko %.2f%n", idle, e[1], p[1], (double) e[1] / p[1]);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.out.printf("load at the end: %s%n", load());
  }

  static String load() {
    return String.format("%.2f", OS.getSystemLoadAverage());
  }

  static void compare(String what, int rounds, Supplier<Sample> eio, Supplier<Sample> pekko) {
    eio.get();
    pekko.get(); // warm-up
    Map<String, List<Sample>> s = new LinkedHashMap<>();
    s.put("eio", new ArrayList<>());
    s.put("pekko", new ArrayList<>());
    for (int r = 0; r < rounds; r++) {
      // Alternate who goes first, so drift in the machine's load hits both alike.
      if (r % 2 == 0) {
        s.get("eio").add(eio.get());
        s.get("pekko").add(pekko.get());
      } else {
        s.get("pekko").add(pekko.get());
        s.get("eio").add(eio.get());
      }
    }
    System.out.printf("%n%s (%d rounds interleaved, medians; load %s)%n", what, rounds, load());
    double[] opsPerSec = new double[2];
    double[] cpuPerOp = new double[2];
    double[] bytesPerOp = new double[2];
    int i = 0;
    for (var e : s.entrySet()) {
      double[] ops = e.getValue().stream()
          .mapToDouble(x -> x.ops() * 1e9 / x.wallNanos()).sorted().toArray();
      double[] cpu = e.getValue().stream()
          .mapToDouble(x -> (double) x.cpuNanos() / x.ops()).sorted().toArray();
      double[] bytes = e.getValue().stream()
          .mapToDouble(x -> (double) x.bytes() / x.ops()).sorted().toArray();
      opsPerSec[i] = ops[ops.length / 2];
      cpuPerOp[i] = cpu[cpu.length / 2];
      bytesPerOp[i] = bytes[bytes.length / 2];
      System.out.printf("  %-6s %,14.0f ops/s   %8.0f CPU-ns/op   %7.1f B/op   "
          + "(ops/s min %,.0f max %,.0f)%n",
          e.getKey(), opsPerSec[i], cpuPerOp[i], bytesPerOp[i], ops[0], ops[ops.length - 1]);
      i++;
    }
    System.out.printf("  eio/Pekko: %.2fx ops/s, %.2fx CPU per op (below 1: eio uses less)%n",
        opsPerSec[0] / opsPerSec[1], cpuPerOp[0] / cpuPerOp[1]);
  }
}
