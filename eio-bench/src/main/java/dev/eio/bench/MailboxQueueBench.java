package dev.eio.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.jctools.queues.atomic.unpadded.MpscLinkedAtomicUnpaddedQueue;
import org.jctools.queues.atomic.unpadded.MpscUnboundedAtomicUnpaddedArrayQueue;

/**
 * ADR 31's measurement: the queues a mailbox could sit on, in one JVM, rounds interleaved.
 * Producers (platform threads) offer, one consumer polls (spinning), as a busy mailbox does;
 * 1 and 8 producers. Also the heap of an empty queue, which every idle actor pays.
 *
 * <pre>
 * mvn -q -Pbench package -pl eio-bench -am -Dbench.main=dev.eio.bench.MailboxQueueBench \
 *     -Dbench.args="2000000 7"
 * </pre>
 */
public final class MailboxQueueBench {
  private MailboxQueueBench() {}

  static Map<String, Supplier<Queue<Object>>> queues() {
    Map<String, Supplier<Queue<Object>>> q = new LinkedHashMap<>();
    q.put("jctools MpscUnboundedAtomicUnpaddedArrayQueue(32)",
        () -> new MpscUnboundedAtomicUnpaddedArrayQueue<>(32));
    q.put("jctools MpscUnboundedAtomicArrayQueue(32)",
        () -> new MpscUnboundedAtomicArrayQueue<>(32));
    q.put("jctools MpscLinkedAtomicUnpaddedQueue", MpscLinkedAtomicUnpaddedQueue::new);
    q.put("ConcurrentLinkedQueue", ConcurrentLinkedQueue::new);
    q.put("LinkedBlockingQueue", LinkedBlockingQueue::new);
    return q;
  }

  /** Nanoseconds per item for {@code items} moved by {@code producers} to one consumer. */
  static double run(Queue<Object> q, int producers, int items) throws InterruptedException {
    int per = items / producers;
    Object item = new Object();
    List<Thread> ts = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int p = 0; p < producers; p++) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < per; i++) {
          q.offer(item);
        }
      });
      t.start();
      ts.add(t);
    }
    int want = per * producers;
    for (int got = 0; got < want; ) {
      if (q.poll() != null) {
        got++;
      } else {
        Thread.onSpinWait();
      }
    }
    long t1 = System.nanoTime();
    for (Thread t : ts) {
      t.join();
    }
    return (double) (t1 - t0) / want;
  }

  static long emptyBytes(Supplier<Queue<Object>> s) {
    int n = 20_000;
    long before = ActorBench.usedHeap();
    Object[] keep = new Object[n];
    for (int i = 0; i < n; i++) {
      keep[i] = s.get();
    }
    long after = ActorBench.usedHeap();
    if (keep[n - 1] == null) {
      throw new AssertionError();
    }
    return (after - before) / n;
  }

  public static void main(String[] args) throws Exception {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    System.out.printf("Mailbox queues: %d items per round, %d rounds; JDK %s; load %s%n",
        items, rounds, Runtime.version(), ActorBench.load());
    var qs = queues();
    for (int producers : new int[] {1, 8}) {
      Map<String, double[]> res = new LinkedHashMap<>();
      qs.keySet().forEach(k -> res.put(k, new double[rounds]));
      for (var e : qs.entrySet()) {
        run(e.getValue().get(), producers, items / 4); // warm-up
      }
      for (int r = 0; r < rounds; r++) {
        for (var e : qs.entrySet()) {
          res.get(e.getKey())[r] = run(e.getValue().get(), producers, items);
        }
      }
      System.out.printf("%n%d producer(s) -> 1 consumer (median ns/item; load %s)%n",
          producers, ActorBench.load());
      double base = -1;
      for (var e : res.entrySet()) {
        double[] v = e.getValue().clone();
        java.util.Arrays.sort(v);
        double m = v[v.length / 2];
        if (base < 0) {
          base = m;
        }
        System.out.printf("  %-52s %7.1f ns/item  ratio to first %.2f%n", e.getKey(), m, m / base);
      }
    }
    System.out.printf("%nheap of an empty queue%n");
    for (var e : qs.entrySet()) {
      System.out.printf("  %-52s %6d B%n", e.getKey(), emptyBytes(e.getValue()));
    }
  }
}
