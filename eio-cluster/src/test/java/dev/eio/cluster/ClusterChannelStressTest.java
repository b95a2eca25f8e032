package dev.eio.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.ChannelClosedException;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Randomized: a sender and a receiver on each of 3 members, their operations cancelled at random,
 * and a close from a random member while the senders still send. Every item whose send returned
 * is received exactly once, none other is, and each receiver sees each sender's items in order.
 * Raise the rounds with {@code -Deio.stress.iterations=N}; a failure names its seed, replay it
 * with {@code -Deio.stress.seed=S}.
 */
class ClusterChannelStressTest extends OnThreeMembers {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 3);
  static final int ITEMS = 150; // per sender

  @Test
  void noItemLostOrDuplicatedUnderCancellationAndACloseRace() {
    long base = Long.getLong("eio.stress.seed", System.nanoTime());
    AtomicInteger cancelled = new AtomicInteger();
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = base + it;
      try {
        round(seed, cancelled);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed with -Deio.stress.seed=" + seed + " (round " + it + ")", e);
      }
    }
    System.out.printf(
        "ClusterChannelStressTest: %d rounds, %d operations cancelled%n", ITERATIONS, cancelled.get());
    assertTrue(cancelled.get() > 0, "the chaos cancelled no operation: the test proves nothing");
  }

  /** Now and then a pause longer than one 25 ms wait step of the peers. */
  private static void pause(SplittableRandom r) {
    if (r.nextInt(12) == 0) {
      Cancel.protect(() -> Thread.sleep(30 + r.nextInt(30)));
      Fiber.check();
    }
  }

  private static void round(long seed, AtomicInteger cancelled) {
    SplittableRandom rnd = new SplittableRandom(seed);
    String name = "stress-" + UUID.randomUUID();
    int capacity = 1 + rnd.nextInt(4); // small: senders wait, so there is something to cancel
    int closeAfter = ITEMS + rnd.nextInt(2 * ITEMS + 1); // accepted items before the close
    int closer = rnd.nextInt(3);
    List<List<Integer>> accepted = new ArrayList<>();
    List<List<Integer>> received = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add(Collections.synchronizedList(new ArrayList<>()));
      received.add(Collections.synchronizedList(new ArrayList<>()));
    }
    AtomicInteger acceptedCount = new AtomicInteger();
    AtomicReferenceArray<Cancel.Context> running = new AtomicReferenceArray<>(6);
    long[] seeds = new long[7];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = rnd.nextLong();
    }
    Switch.run(
        sw -> {
          List<ClusterChannel<Integer>> handles = new ArrayList<>();
          for (int m = 0; m < 3; m++) {
            handles.add(ClusterChannel.open(sw, cluster.member(m), name, capacity));
          }
          for (int m = 0; m < 3; m++) {
            ClusterChannel<Integer> ch = handles.get(m);
            int slot = m;
            SplittableRandom pauses = new SplittableRandom(seeds[slot]);
            sw.fork(
                () -> {
                  for (int j = 0; j < ITEMS; ) {
                    pause(pauses); // receivers then wait on an empty channel: cancellable
                    int item = slot * ITEMS + j;
                    try {
                      Cancel.sub(
                          ctx -> {
                            running.set(slot, ctx);
                            ch.send(item);
                          });
                      accepted.get(slot).add(item);
                      j++;
                      if (acceptedCount.incrementAndGet() == closeAfter) {
                        handles.get(closer).close();
                      }
                    } catch (Cancelled c) {
                      cancelled.incrementAndGet();
                      Fiber.check();
                    } catch (ChannelClosedException c) {
                      assertNull(c.getCause());
                      return;
                    } finally {
                      running.set(slot, null);
                    }
                  }
                });
            SplittableRandom rests = new SplittableRandom(seeds[3 + slot]);
            sw.fork(
                () -> {
                  while (true) {
                    pause(rests); // senders then wait on a full channel: cancellable
                    try {
                      received.get(slot).add(Cancel.subCall(
                          ctx -> {
                            running.set(3 + slot, ctx);
                            return ch.receive();
                          }));
                    } catch (Cancelled c) {
                      cancelled.incrementAndGet();
                      Fiber.check();
                    } catch (ChannelClosedException c) {
                      assertNull(c.getCause());
                      return;
                    } finally {
                      running.set(3 + slot, null);
                    }
                  }
                });
          }
          // Chaos: cancel a random running operation now and then, until everyone is done.
          SplittableRandom chaos = new SplittableRandom(seeds[6]);
          sw.forkDaemon(
              () -> {
                while (true) {
                  // Often: an operation lasts a round trip (a fraction of a millisecond) or a 25 ms wait.
                  Cancel.protect(() -> Thread.sleep(chaos.nextInt(3)));
                  // The first running operation from a random slot on.
                  int from = chaos.nextInt(6);
                  for (int k = 0; k < 6; k++) {
                    Cancel.Context c = running.get((from + k) % 6);
                    if (c != null) {
                      c.cancel(new RuntimeException("chaos"));
                      break;
                    }
                  }
                  Fiber.check();
                }
              });
          // Everything sent if the close came after the last item: close it then.
          sw.fork(
              () -> {
                while (acceptedCount.get() < Math.min(closeAfter, 3 * ITEMS) && !handles.get(0).isClosed()) {
                  Cancel.protect(() -> Thread.sleep(5));
                  Fiber.check();
                }
                handles.get(closer).close();
              });
        });
    Map<Integer, Integer> counts = new HashMap<>();
    for (List<Integer> r : received) {
      int[] last = {-1, -1, -1};
      for (int x : r) {
        counts.merge(x, 1, Integer::sum);
        int from = x / ITEMS;
        assertTrue(x > last[from], "sender " + from + "'s items out of order at one receiver");
        last[from] = x;
      }
    }
    List<Integer> all = new ArrayList<>();
    accepted.forEach(all::addAll);
    for (int x : all) {
      assertEquals(1, counts.getOrDefault(x, 0), "accepted item " + x + " received once");
    }
    assertEquals(all.size(), counts.size(), "only accepted items are received");
  }
}
