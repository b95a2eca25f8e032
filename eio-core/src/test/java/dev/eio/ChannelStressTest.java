package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many senders and receivers on two channels, using every operation (send, trySend, receive,
 * tryReceive, select with and without timeouts), while a chaos fiber cancels operations at random
 * and the channels are closed at a random moment. Afterwards, every item whose send completed was
 * received exactly once, and no item whose send did not complete was received.
 *
 * <p>Raise {@code -Deio.stress.iterations} (default 100) for a longer run.
 */
@Timeout(30)
class ChannelStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 100);
  private static final int SENDERS = 3;
  private static final int RECEIVERS = 3;
  private static final int ITEMS_PER_SENDER = 150;
  private static final AtomicInteger CANCELLED_OPERATIONS = new AtomicInteger();

  @Test
  void randomCancellationAndClosingNeverLoseNorDuplicateAnItem() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    for (int it = 0; it < ITERATIONS; it++) {
      long s = seed + it;
      try {
        runOnce(new SplittableRandom(s));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed with -Deio.stress.seed=" + s + " (iteration " + it + ")", e);
      }
    }
    assertTrue(CANCELLED_OPERATIONS.get() > 0, "the chaos never cancelled a blocked operation");
  }

  /**
   * One receiver, several senders, random cancellation of both sides: each sender's items arrive
   * in the order it sent them, each exactly once (FIFO per channel survives cancellation).
   */
  @Test
  void eachSendersItemsArriveInOrderDespiteRandomCancellation() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    int senders = 3;
    int items = 200;
    for (int it = 0; it < Math.max(1, ITERATIONS / 4); it++) {
      long s = seed + it;
      SplittableRandom rnd = new SplittableRandom(s);
      Channel<Integer> ch = channel(rnd);
      AtomicReferenceArray<Cancel.Context> running = new AtomicReferenceArray<>(senders + 1);
      int[] next = new int[senders];
      long[] seeds = {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
      try {
        Switch.run(
            sw -> {
              for (int k = 0; k < senders; k++) {
                int slot = k;
                SplittableRandom r = new SplittableRandom(seeds[k]);
                sw.fork(
                    () -> {
                      for (int j = 0; j < items; ) {
                        chaos(r, running, slot);
                        Integer item = slot * items + j;
                        try {
                          Cancel.sub(
                              ctx -> {
                                running.set(slot, ctx);
                                ch.send(item);
                              });
                          j++;
                        } catch (Cancelled c) {
                          CANCELLED_OPERATIONS.incrementAndGet();
                          Fiber.check();
                        } finally {
                          running.set(slot, null);
                        }
                      }
                    });
              }
              SplittableRandom r = new SplittableRandom(seeds[3]);
              for (int got = 0; got < senders * items; ) {
                chaos(r, running, senders);
                try {
                  Integer x =
                      Cancel.subCall(
                          ctx -> {
                            running.set(senders, ctx);
                            return ch.receive();
                          });
                  int from = x / items;
                  assertEquals(next[from], x % items, "sender " + from + " out of order");
                  next[from]++;
                  got++;
                } catch (Cancelled c) {
                  CANCELLED_OPERATIONS.incrementAndGet();
                  Fiber.check();
                } finally {
                  running.set(senders, null);
                }
              }
            });
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed with -Deio.stress.seed=" + s + " (iteration " + it + ")", e);
      }
      assertEquals(Optional.empty(), ch.tryReceive(), "an item arrived twice");
    }
  }

  /**
   * One sender and one receiver on a rendezvous channel, the shape in which a waiter spins before
   * yielding (ADR 16), each cancelling the other's operation at random, the sender closing the
   * channel after a random number of items: the receiver gets exactly the items whose send
   * returned, in order, and then learns the channel is closed.
   */
  @Test
  void rendezvousPairUnderRandomCancellationAndCloseDeliversEachAcceptedItemOnce() {
    long seed = Long.getLong("eio.stress.seed", System.nanoTime());
    for (int it = 0; it < ITERATIONS; it++) {
      long s = seed + it;
      SplittableRandom rnd = new SplittableRandom(s);
      Channel<Integer> ch = Channel.rendezvous();
      int items = 300;
      int closeAfter = rnd.nextBoolean() ? items : rnd.nextInt(items);
      AtomicReferenceArray<Cancel.Context> running = new AtomicReferenceArray<>(2);
      long senderSeed = rnd.nextLong();
      long receiverSeed = rnd.nextLong();
      AtomicInteger accepted = new AtomicInteger();
      List<Integer> got = new ArrayList<>();
      try {
        Switch.run(
            sw -> {
              sw.fork(
                  () -> {
                    SplittableRandom r = new SplittableRandom(senderSeed);
                    for (int j = 0; j < closeAfter; ) {
                      chaos(r, running, 0);
                      Integer item = j;
                      try {
                        Cancel.sub(
                            ctx -> {
                              running.set(0, ctx);
                              ch.send(item);
                            });
                        accepted.incrementAndGet();
                        j++;
                      } catch (Cancelled c) {
                        CANCELLED_OPERATIONS.incrementAndGet();
                        Fiber.check();
                      } finally {
                        running.set(0, null);
                      }
                    }
                    ch.close();
                  });
              SplittableRandom r = new SplittableRandom(receiverSeed);
              while (true) {
                chaos(r, running, 1);
                try {
                  got.add(
                      Cancel.subCall(
                          ctx -> {
                            running.set(1, ctx);
                            return ch.receive();
                          }));
                } catch (Cancelled c) {
                  CANCELLED_OPERATIONS.incrementAndGet();
                  Fiber.check();
                } catch (ChannelClosedException closed) {
                  assertNull(closed.getCause());
                  break;
                } finally {
                  running.set(1, null);
                }
              }
            });
        List<Integer> expected = new ArrayList<>();
        for (int j = 0; j < accepted.get(); j++) {
          expected.add(j);
        }
        assertEquals(closeAfter, accepted.get(), "every item is eventually accepted");
        assertEquals(expected, got, "received items differ from the accepted ones, in order");
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed with -Deio.stress.seed=" + s + " (iteration " + it + ")", e);
      }
    }
  }

  private static Channel<Integer> channel(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> Channel.rendezvous();
      case 1 -> Channel.create(1);
      case 2 -> Channel.create(4);
      default -> Channel.unbounded();
    };
  }

  private static void runOnce(SplittableRandom rnd) {
    Channel<Integer> a = channel(rnd);
    Channel<Integer> b = channel(rnd);
    ConcurrentLinkedQueue<Integer> accepted = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
    AtomicReferenceArray<Cancel.Context> running = new AtomicReferenceArray<>(SENDERS + RECEIVERS);
    boolean closeEarly = rnd.nextBoolean();
    int closeAfter = rnd.nextInt(SENDERS * ITEMS_PER_SENDER);
    long[] seeds = new long[SENDERS + RECEIVERS + 2];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = rnd.nextLong();
    }

    Switch.run(
        sw -> {
          for (int r = 0; r < RECEIVERS; r++) {
            int slot = SENDERS + r;
            SplittableRandom rr = new SplittableRandom(seeds[slot]);
            sw.fork(
                () -> {
                  receiver(rr, a, b, received, running, slot, closeEarly ? closeAfter : -1);
                });
          }
          sw.fork(
              () -> {
                Switch.run(
                    senders -> {
                      for (int s = 0; s < SENDERS; s++) {
                        int slot = s;
                        SplittableRandom sr = new SplittableRandom(seeds[slot]);
                        senders.fork(() -> sender(sr, a, b, slot, accepted, running));
                      }
                    });
                a.close();
                b.close();
              });
        });

    // Whatever is still buffered after the receivers stopped counts as received.
    for (Channel<Integer> ch : List.of(a, b)) {
      try {
        while (true) {
          received.add(ch.tryReceive().orElseThrow());
        }
      } catch (ChannelClosedException done) {
        assertNull(done.getCause());
      }
    }

    List<Integer> got = new ArrayList<>(received);
    Set<Integer> unique = new HashSet<>(got);
    assertEquals(got.size(), unique.size(), "an item was received twice");
    Set<Integer> sent = new HashSet<>(accepted);
    assertEquals(accepted.size(), sent.size(), "an item was accepted twice");
    Set<Integer> lost = new HashSet<>(sent);
    lost.removeAll(unique);
    assertEquals(Set.of(), lost, "accepted but never received");
    Set<Integer> ghost = new HashSet<>(unique);
    ghost.removeAll(sent);
    assertEquals(Set.of(), ghost, "received but never accepted");
    if (!closeEarly) {
      assertEquals(SENDERS * ITEMS_PER_SENDER, sent.size(), "without an early close, all items go");
    }
  }

  private static void sender(
      SplittableRandom rnd,
      Channel<Integer> a,
      Channel<Integer> b,
      int slot,
      ConcurrentLinkedQueue<Integer> accepted,
      AtomicReferenceArray<Cancel.Context> running) {
    for (int j = 0; j < ITEMS_PER_SENDER; j++) {
      Integer item = slot * ITEMS_PER_SENDER + j;
      boolean done = false;
      while (!done) {
        chaos(rnd, running, slot);
        int op = rnd.nextInt(5);
        try {
          done =
              Cancel.subCall(
                  ctx -> {
                    running.set(slot, ctx);
                    boolean ok =
                        switch (op) {
                          case 0 -> {
                            a.send(item);
                            yield true;
                          }
                          case 1 -> a.trySend(item) || b.trySend(item);
                          case 2 ->
                              Channel.select(a.onSend(item, () -> true), b.onSend(item, () -> true));
                          case 3 ->
                              Channel.select(
                                  b.onSend(item, () -> true),
                                  Channel.onTimeout(Duration.ofNanos(1 + rnd.nextInt(50_000)), () -> false));
                          default -> Channel.select(b.onSend(item, () -> true), Channel.onDefault(() -> false));
                        };
                    if (ok) {
                      accepted.add(item); // not a blocking call: cannot be cancelled in between
                    }
                    return ok;
                  });
        } catch (Cancelled c) {
          CANCELLED_OPERATIONS.incrementAndGet();
          Fiber.check(); // the whole test was cancelled: stop, else retry the same item
        } catch (ChannelClosedException closed) {
          return;
        } finally {
          running.set(slot, null);
        }
      }
    }
  }

  private static void receiver(
      SplittableRandom rnd,
      Channel<Integer> a,
      Channel<Integer> b,
      ConcurrentLinkedQueue<Integer> received,
      AtomicReferenceArray<Cancel.Context> running,
      int slot,
      int closeAfter) {
    boolean aOpen = true;
    boolean bOpen = true;
    while (aOpen || bOpen) {
      chaos(rnd, running, slot);
      if (closeAfter >= 0 && received.size() >= closeAfter) {
        a.close(); // the early close, at a random moment in the run
        b.close();
      }
      int op = rnd.nextInt(5);
      boolean useA = aOpen && (!bOpen || rnd.nextBoolean());
      Channel<Integer> one = useA ? a : b;
      // Waiting with no way out only where senders wait the same way (on a): a receiver parked
      // on b while the last sender is parked on a would be a deadlock of the test, not a bug.
      Channel<Integer> blocking = aOpen ? a : b;
      int choice = aOpen && bOpen ? op : op % 3;
      try {
        Cancel.sub(
            ctx -> {
              running.set(slot, ctx);
              Integer x =
                  switch (choice) {
                    case 0 -> blocking.receive();
                    case 1 -> one.tryReceive().orElse(null);
                    case 2 ->
                        Channel.select(
                            one.onReceive(v -> v),
                            Channel.onTimeout(Duration.ofNanos(1 + rnd.nextInt(50_000)), () -> null));
                    case 3 -> Channel.select(a.onReceive(v -> v), b.onReceive(v -> v));
                    default -> Channel.select(b.onReceive(v -> v), a.onReceive(v -> v), Channel.onDefault(() -> null));
                  };
              if (x != null) {
                received.add(x);
              }
            });
      } catch (Cancelled c) {
        CANCELLED_OPERATIONS.incrementAndGet();
        Fiber.check();
      } catch (ChannelClosedException closed) {
        assertNull(closed.getCause());
        // A select names no channel: learn which is drained by asking each without waiting.
        aOpen = aOpen && !drained(a, received);
        bOpen = bOpen && !drained(b, received);
      } finally {
        running.set(slot, null);
      }
    }
  }

  /**
   * Now and then cancels another worker's current operation. The workers do it themselves, as a
   * fiber spinning in a yield loop to do it could starve the others on a 2-core machine.
   */
  private static void chaos(
      SplittableRandom rnd, AtomicReferenceArray<Cancel.Context> running, int self) {
    if (rnd.nextInt(3) == 0) {
      int victim = rnd.nextInt(running.length());
      Cancel.Context c = victim == self ? null : running.get(victim);
      if (c != null) {
        c.cancel(new RuntimeException("chaos"));
      }
    }
  }

  /** Whether {@code ch} is closed and drained; an item found on the way counts as received. */
  private static boolean drained(Channel<Integer> ch, ConcurrentLinkedQueue<Integer> received) {
    try {
      ch.tryReceive().ifPresent(received::add);
      return false;
    } catch (ChannelClosedException e) {
      return true;
    }
  }
}
