package dev.eio.bench;

import dev.eio.Promise;
import dev.eio.Switch;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * B6 by heap histogram: parks N fibers (or N raw virtual threads) in a fresh JVM and waits, so a
 * class histogram ({@code jcmd <pid> GC.class_histogram}, taken after a full GC) can be compared
 * class by class; also prints the heap delta seen from inside.
 *
 * <p>Run both sides, each in its own JVM (the last argument: warm-up rounds of parking and
 * releasing the same fibers first, so that compiled frames are parked), and read the "Total"
 * lines:
 *
 * <pre>
 * java -XX:+UseSerialGC -cp ... dev.eio.bench.ParkedFiberHeap raw 100000 20 5 &amp;   # prints READY pid
 * jcmd &lt;pid&gt; GC.class_histogram | tail -1
 * java -XX:+UseSerialGC -cp ... dev.eio.bench.ParkedFiberHeap eio 100000 20 5 &amp;
 * jcmd &lt;pid&gt; GC.class_histogram | tail -1
 * </pre>
 */
public final class ParkedFiberHeap {
  private ParkedFiberHeap() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("raw") || args[0].equals("eio"))) {
      System.err.println("usage: ParkedFiberHeap raw|eio [fibers] [seconds-to-hold] [warm-up rounds]");
      System.exit(2);
    }
    boolean raw = args[0].equals("raw");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    long holdMillis = (args.length > 2 ? Long.parseLong(args[2]) : 10) * 1000;
    int warmups = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    // Warm-up rounds park and release the same fibers first, so that the measured round parks
    // compiled frames, as a long-running program does (a frozen stack's size depends on it).
    for (int w = 0; w < warmups; w++) {
      park(raw, n, () -> {});
    }
    long before = used();
    park(raw, n, () -> report(n, before, holdMillis));
  }

  /** Parks {@code n} fibers (or raw virtual threads), runs {@code whileParked}, releases them. */
  private static void park(boolean raw, int n, Runnable whileParked) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(n);
    if (raw) {
      CountDownLatch release = new CountDownLatch(1);
      Thread[] threads = new Thread[n];
      for (int i = 0; i < n; i++) {
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      started.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
      }
      started.await();
      whileParked.run();
      release.countDown();
      for (Thread t : threads) {
        t.join();
      }
    } else {
      Promise<Void> release = Promise.create();
      Switch.run(
          sw -> {
            for (int i = 0; i < n; i++) {
              sw.fork(
                  () -> {
                    started.countDown();
                    release.await();
                  });
            }
            started.await();
            whileParked.run();
            release.resolve(null);
          });
    }
  }

  private static void report(int n, long before, long holdMillis) {
    LockSupport.parkNanos(1_000_000_000L); // let every fiber reach its park
    System.out.printf(
        "READY %d heap delta %d bytes/fiber%n",
        ProcessHandle.current().pid(), (used() - before) / n);
    System.out.flush();
    LockSupport.parkNanos(holdMillis * 1_000_000L);
  }

  private static long used() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
