package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelTest {

  /** Waits until {@code t} is parked (blocked in a channel operation). */
  static void awaitParked(AtomicReference<Thread> t) {
    await().until(() -> t.get() != null && t.get().getState() == Thread.State.WAITING);
  }

  static void awaitParked(Thread t) {
    await().until(() -> t.getState() == Thread.State.WAITING);
  }

  @Test
  void negativeCapacityIsAnIllegalArgumentNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Channel.create(-1));
    assertEquals("capacity must be >= 0, got -1", e.getMessage());
    assertEquals(0, Channel.create(0).capacity());
    assertEquals(Integer.MAX_VALUE, Channel.unbounded().capacity());
  }

  @Test
  void nullItemsAreRejected() {
    Channel<String> ch = Channel.create(1);
    assertThrows(NullPointerException.class, () -> ch.send(null));
    assertThrows(NullPointerException.class, () -> ch.trySend(null));
    assertEquals(0, ch.size());
  }

  @Test
  void itemsAreReceivedInTheOrderTheyWereSent() {
    for (int cap : new int[] {0, 1, 4, Integer.MAX_VALUE}) {
      Channel<Integer> ch = cap == Integer.MAX_VALUE ? Channel.unbounded() : Channel.create(cap);
      List<Integer> got = new ArrayList<>();
      Switch.run(
          sw -> {
            sw.fork(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    ch.send(i);
                  }
                  ch.close();
                });
            for (int x : ch) {
              got.add(x);
            }
          });
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        expected.add(i);
      }
      assertEquals(expected, got, "capacity " + cap);
    }
  }

  @Test
  void boundedChannelAcceptsUpToItsCapacityWithoutWaiting() {
    Channel<String> ch = Channel.create(2);
    assertTrue(ch.trySend("a"));
    assertTrue(ch.trySend("b"));
    assertFalse(ch.trySend("c"));
    assertEquals(2, ch.size());
    assertEquals(Optional.of("a"), ch.tryReceive());
    assertTrue(ch.trySend("c"));
    assertEquals("b", ch.receive());
    assertEquals("c", ch.receive());
    assertEquals(Optional.empty(), ch.tryReceive());
  }

  @Test
  void bufferKeepsOrderAcrossWrapAroundAndGrowthAndHoldsExactlyItsCapacity() {
    // Capacities off and on a power of two, above the first ring (1024), and unbounded: the ring
    // wraps around, and grows while wrapped, without reordering, losing or admitting extra items.
    for (int cap : new int[] {1, 3, 16, 1500, Integer.MAX_VALUE}) {
      Channel<Integer> ch = cap == Integer.MAX_VALUE ? Channel.unbounded() : Channel.create(cap);
      int sent = 0;
      int received = 0;
      for (int round = 0; round < 7; round++) {
        // Growing fills, so a ring that must grow does so after the first drains moved its head.
        int limit = Math.min(cap, 600 * (round + 1));
        while (sent - received < limit && ch.trySend(sent)) {
          sent++;
        }
        assertEquals(limit, ch.size(), "capacity " + cap + " round " + round);
        if (limit == cap) {
          assertFalse(ch.trySend(-1), "capacity " + cap + " admitted one item more");
        }
        // Drain a different share each round, so the oldest item sits at a new index.
        int drain = 1 + (limit * (round + 2)) / 9;
        for (int i = 0; i < drain && received < sent; i++) {
          assertEquals(received++, ch.receive(), "capacity " + cap);
        }
      }
      ch.close();
      for (int x : ch) {
        assertEquals(received++, x, "capacity " + cap);
      }
      assertEquals(sent, received, "capacity " + cap);
    }
  }

  @Test
  void failDropsAWrappedBuffer() {
    Channel<Integer> ch = Channel.create(4);
    for (int i = 0; i < 4; i++) {
      assertTrue(ch.trySend(i));
    }
    assertEquals(0, ch.receive());
    assertTrue(ch.trySend(4)); // wrapped: the newest item sits at the ring's start
    assertTrue(ch.fail(new IllegalStateException("broken")));
    assertEquals(0, ch.size());
    assertThrows(ChannelClosedException.class, ch::receive);
  }

  @Test
  void unboundedSendNeverWaits() {
    Channel<Integer> ch = Channel.unbounded();
    for (int i = 0; i < 10_000; i++) {
      ch.send(i);
    }
    assertEquals(10_000, ch.size());
    assertEquals(0, ch.receive());
  }

  @Test
  void rendezvousTrySendSucceedsOnlyWhenAReceiverWaits() {
    Channel<String> ch = Channel.rendezvous();
    assertFalse(ch.trySend("early"));
    String got =
        Switch.call(
            sw -> {
              Promise<String> r = sw.forkPromise(ch::receive);
              await().until(() -> ch.trySend("x"));
              return r.await();
            });
    assertEquals("x", got);
    assertEquals(0, ch.size());
  }

  @Test
  void rendezvousSendCompletesOnlyWhenAReceiverTakesTheItem() {
    Channel<String> ch = Channel.rendezvous();
    AtomicBoolean sent = new AtomicBoolean();
    AtomicReference<Thread> sender = new AtomicReference<>();
    Switch.run(
        sw -> {
          sw.fork(
              () -> {
                sender.set(Thread.currentThread());
                ch.send("x");
                sent.set(true);
              });
          awaitParked(sender);
          assertFalse(sent.get());
          assertEquals(Optional.of("x"), ch.tryReceive());
        });
    assertTrue(sent.get());
  }

  @Test
  void waitingReceiversAreServedInArrivalOrder() {
    Channel<Integer> ch = Channel.create(4);
    Integer[] got = new Integer[3];
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            int k = i;
            AtomicReference<Thread> t = new AtomicReference<>();
            sw.fork(
                () -> {
                  t.set(Thread.currentThread());
                  got[k] = ch.receive();
                });
            awaitParked(t);
          }
          ch.send(0);
          ch.send(1);
          ch.send(2);
        });
    assertArrayEquals(new Integer[] {0, 1, 2}, got);
  }

  @Test
  void waitingSendersAreServedInArrivalOrder() {
    for (int cap : new int[] {0, 1}) {
      Channel<Integer> ch = Channel.create(cap);
      List<Integer> got = new ArrayList<>();
      Switch.run(
          sw -> {
            for (int i = 0; i < cap; i++) {
              ch.send(-1);
            }
            for (int i = 0; i < 3; i++) {
              int k = i;
              AtomicReference<Thread> t = new AtomicReference<>();
              sw.fork(
                  () -> {
                    t.set(Thread.currentThread());
                    ch.send(k);
                  });
              awaitParked(t);
            }
            for (int i = 0; i < cap + 3; i++) {
              got.add(ch.receive());
            }
          });
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < cap; i++) {
        expected.add(-1);
      }
      expected.addAll(List.of(0, 1, 2));
      assertEquals(expected, got, "capacity " + cap);
    }
  }

  @Test
  void cancelledReceiveNeverConsumesAnItem() {
    for (int cap : new int[] {0, 1}) {
      Channel<String> ch = Channel.create(cap);
      AtomicReference<Thread> receiver = new AtomicReference<>();
      AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
      Switch.run(
          sw -> {
            sw.fork(
                () ->
                    assertThrows(
                        Cancelled.class,
                        () ->
                            Cancel.sub(
                                c -> {
                                  ctx.set(c);
                                  receiver.set(Thread.currentThread());
                                  ch.receive();
                                })));
            awaitParked(receiver);
            ctx.get().cancel(new RuntimeException("stop"));
          });
      // The cancelled receiver left no registration behind: a rendezvous send finds no taker,
      // a buffered item stays in the buffer.
      if (cap == 0) {
        assertFalse(ch.trySend("x"));
      } else {
        assertTrue(ch.trySend("x"));
        assertEquals(Optional.of("x"), ch.tryReceive());
      }
    }
  }

  /** Eio issue 356: a receive that loses a {@code first} race must not have consumed its item. */
  @Test
  void receiveThatLosesAFirstRaceLeavesTheItemInTheChannel() {
    for (int n = 0; n < 200; n++) {
      int i = n;
      Channel<Integer> ch = Channel.create(1);
      String winner =
          Fiber.first(
              () -> "received " + ch.receive(),
              () -> {
                ch.send(i);
                return "sent";
              },
              (a, b) -> a + " and " + b);
      Optional<Integer> left = ch.tryReceive();
      if (winner.startsWith("received")) {
        assertEquals(Optional.empty(), left, winner);
      } else {
        assertEquals(Optional.of(i), left, winner);
      }
    }
  }

  @Test
  void aReceiveCompletedJustBeforeItsCancellationReturnsTheItemAndStaysCancelled() {
    Channel<String> ch = Channel.rendezvous();
    AtomicReference<Thread> receiver = new AtomicReference<>();
    AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
    AtomicReference<String> got = new AtomicReference<>();
    Switch.run(
        sw -> {
          sw.fork(
              () ->
                  assertThrows(
                      Cancelled.class,
                      () ->
                          Cancel.sub(
                              c -> {
                                ctx.set(c);
                                receiver.set(Thread.currentThread());
                                got.set(ch.receive());
                                ch.receive(); // the cancellation shows at the next wait
                              })));
          awaitParked(receiver);
          ch.send("item"); // completes the receiver...
          ctx.get().cancel(new RuntimeException("too late")); // ...before it runs again
        });
    assertEquals("item", got.get());
    assertFalse(ch.trySend("x"));
  }

  @Test
  void aSendCompletedJustBeforeItsCancellationCountsAsSent() {
    Channel<String> ch = Channel.rendezvous();
    AtomicReference<Thread> sender = new AtomicReference<>();
    AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
    AtomicBoolean sent = new AtomicBoolean();
    String got =
        Switch.call(
            sw -> {
              sw.fork(
                  () ->
                      assertThrows(
                          Cancelled.class,
                          () ->
                              Cancel.sub(
                                  c -> {
                                    ctx.set(c);
                                    sender.set(Thread.currentThread());
                                    ch.send("item");
                                    sent.set(true);
                                    ch.send("never"); // the cancellation shows at the next wait
                                  })));
              awaitParked(sender);
              String x = ch.receive(); // completes the sender...
              ctx.get().cancel(new RuntimeException("too late")); // ...before it runs again
              return x;
            });
    assertEquals("item", got);
    assertTrue(sent.get());
    assertEquals(Optional.empty(), ch.tryReceive());
  }

  @Test
  void cancelledSendNeverDeliversItsItem() {
    for (int cap : new int[] {0, 1}) {
      Channel<String> ch = Channel.create(cap);
      for (int i = 0; i < cap; i++) {
        ch.send("buffered");
      }
      AtomicReference<Thread> sender = new AtomicReference<>();
      AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
      Switch.run(
          sw -> {
            sw.fork(
                () ->
                    assertThrows(
                        Cancelled.class,
                        () ->
                            Cancel.sub(
                                c -> {
                                  ctx.set(c);
                                  sender.set(Thread.currentThread());
                                  ch.send("cancelled");
                                })));
            awaitParked(sender);
            ctx.get().cancel(new RuntimeException("stop"));
          });
      for (int i = 0; i < cap; i++) {
        assertEquals("buffered", ch.receive());
      }
      assertEquals(Optional.empty(), ch.tryReceive());
    }
  }

  @Test
  void anAlreadyCancelledFiberStillCompletesAnOperationThatNeedsNoWaiting() {
    Channel<String> ch = Channel.create(1);
    ch.send("ready");
    String got =
        Cancel.subCall(
            c -> {
              c.cancel(new RuntimeException("cancelled first"));
              return ch.receive();
            });
    assertEquals("ready", got);
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                c -> {
                  c.cancel(new RuntimeException("cancelled first"));
                  ch.receive(); // empty: must wait, so it is cancelled and takes nothing
                }));
    assertTrue(ch.trySend("after"));
  }

  @Test
  void sendingOnAClosedChannelFailsWithAClearError() {
    Channel<String> ch = Channel.create(1);
    assertTrue(ch.close());
    assertFalse(ch.close());
    assertTrue(ch.isClosed());
    ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.send("x"));
    assertEquals("cannot send: channel is closed", e.getMessage());
    assertNull(e.getCause());
    assertThrows(ChannelClosedException.class, () -> ch.trySend("x"));
  }

  @Test
  void closeLetsReceiversDrainTheBufferThenReportsClosed() {
    Channel<Integer> ch = Channel.create(4);
    ch.send(1);
    ch.send(2);
    ch.close();
    assertTrue(ch.isClosed());
    assertEquals(1, ch.receive());
    assertEquals(Optional.of(2), ch.tryReceive());
    ChannelClosedException e = assertThrows(ChannelClosedException.class, ch::receive);
    assertNull(e.getCause());
    assertThrows(ChannelClosedException.class, ch::tryReceive);
  }

  @Test
  void closeWakesBlockedReceiversAndSenders() {
    Channel<String> empty = Channel.rendezvous();
    Channel<String> full = Channel.create(1);
    full.send("kept");
    ConcurrentLinkedQueue<Throwable> seen = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(2);
    Switch.run(
        sw -> {
          List<Thread> ts = new ArrayList<>();
          AtomicReference<Thread> r = new AtomicReference<>();
          AtomicReference<Thread> s = new AtomicReference<>();
          sw.fork(
              () -> {
                r.set(Thread.currentThread());
                started.countDown();
                seen.add(assertThrows(ChannelClosedException.class, empty::receive));
              });
          sw.fork(
              () -> {
                s.set(Thread.currentThread());
                started.countDown();
                seen.add(assertThrows(ChannelClosedException.class, () -> full.send("late")));
              });
          started.await();
          awaitParked(r);
          awaitParked(s);
          empty.close();
          full.close();
        });
    assertEquals(2, seen.size());
    // The blocked sender's item was never accepted; the buffered one is still delivered.
    assertEquals("kept", full.receive());
    assertThrows(ChannelClosedException.class, full::receive);
  }

  @Test
  void failDropsTheBufferAndDeliversTheErrorToReceivers() {
    Channel<Integer> ch = Channel.create(4);
    ch.send(1);
    IllegalStateException boom = new IllegalStateException("producer broke");
    assertTrue(ch.fail(boom));
    assertFalse(ch.close());
    ChannelClosedException e = assertThrows(ChannelClosedException.class, ch::receive);
    assertSame(boom, e.getCause());
    ChannelClosedException s = assertThrows(ChannelClosedException.class, () -> ch.send(2));
    assertSame(boom, s.getCause());
    assertEquals(0, ch.size());
    assertThrows(NullPointerException.class, () -> ch.fail(null));
  }

  @Test
  void failWakesABlockedReceiverWithTheError() {
    Channel<Integer> ch = Channel.rendezvous();
    IllegalStateException boom = new IllegalStateException("producer broke");
    AtomicReference<Thread> r = new AtomicReference<>();
    Throwable got =
        Switch.call(
            sw -> {
              Promise<Throwable> p =
                  sw.forkPromise(
                      () -> {
                        r.set(Thread.currentThread());
                        return assertThrows(ChannelClosedException.class, ch::receive);
                      });
              awaitParked(r);
              ch.fail(boom);
              return p.await();
            });
    assertSame(boom, got.getCause());
  }

  @Test
  void forEachEndsNormallyOnCloseAndThrowsOnFail() {
    Channel<Integer> ch = Channel.create(8);
    for (int i = 0; i < 5; i++) {
      ch.send(i);
    }
    ch.close();
    int sum = 0;
    for (int x : ch) {
      sum += x;
    }
    assertEquals(10, sum);

    Channel<Integer> broken = Channel.create(8);
    broken.send(1);
    RuntimeException boom = new RuntimeException("boom");
    List<Integer> got = new ArrayList<>();
    ChannelClosedException e =
        assertThrows(
            ChannelClosedException.class,
            () ->
                Switch.run(
                    sw -> {
                      Thread consumer = Thread.currentThread();
                      sw.fork(
                          () -> {
                            awaitParked(consumer); // took the buffered item, waits for more
                            broken.fail(boom);
                          });
                      for (int x : broken) {
                        got.add(x);
                      }
                    }));
    assertSame(boom, e.getCause());
    assertEquals(List.of(1), got);
  }

  @Test
  void iteratorNextOnAClosedChannelIsNoSuchElement() {
    Channel<Integer> ch = Channel.create(1);
    ch.close();
    var it = ch.iterator();
    assertFalse(it.hasNext());
    assertThrows(java.util.NoSuchElementException.class, it::next);
  }
}
