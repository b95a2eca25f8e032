package dev.eio;

import static dev.eio.ChannelTest.awaitParked;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rendezvous channel keeps its only waiter in a lock-free slot and moves it into the queues
 * when a second waiter arrives (ADR 19). These tests walk waiters through each of those moves and
 * check that order, cancellation and select behave as with the queues alone.
 */
@Timeout(30)
class RendezvousSlotTest {

  /**
   * Forks a receive on {@code ch}, waits until it is parked, and returns the cell its item will
   * be in (per receiver: the order in which woken receivers run is the scheduler's).
   */
  private static AtomicReference<Integer> parkedReceive(Switch sw, Channel<Integer> ch) {
    AtomicReference<Integer> got = new AtomicReference<>();
    AtomicReference<Thread> t = new AtomicReference<>();
    sw.fork(
        () -> {
          t.set(Thread.currentThread());
          got.set(ch.receive());
        });
    awaitParked(t);
    return got;
  }

  @Test
  void waitersInTheSlotAndInTheQueueAreServedInArrivalOrderAndTheSlotReopens() {
    Channel<Integer> ch = Channel.rendezvous();
    Integer[] byReceiver = new Integer[3];
    Switch.run(
        sw -> {
          // The first receiver waits in the slot; the second moves it into the queue.
          for (int i = 0; i < 3; i++) {
            int k = i;
            AtomicReference<Thread> t = new AtomicReference<>();
            sw.fork(
                () -> {
                  t.set(Thread.currentThread());
                  byReceiver[k] = ch.receive();
                });
            awaitParked(t);
          }
          ch.send(0);
          ch.send(1);
          ch.send(2);
        });
    assertArrayEquals(new Integer[] {0, 1, 2}, byReceiver, "receiver k got item k");
    // Drained: the next waiter uses the slot again, and a send meets it there.
    int again =
        Switch.call(
            sw -> {
              AtomicReference<Integer> got = parkedReceive(sw, ch);
              ch.send(3);
              return got;
            })
            .get();
    assertEquals(3, again);
    assertFalse(ch.trySend(4), "nobody waits any more");
  }

  @Test
  void cancellingTheOldestWaiterPassesItsTurnToTheNext() {
    Channel<Integer> ch = Channel.rendezvous();
    List<AtomicReference<Integer>> got = new ArrayList<>();
    Switch.run(
        sw -> {
          Runnable giveUp = parkedUntilCancelled(sw, ch::receive);
          got.add(parkedReceive(sw, ch)); // moves the oldest from the slot into the queue
          got.add(parkedReceive(sw, ch));
          giveUp.run();
          ch.send(1);
          ch.send(2);
        });
    assertEquals(List.of(1, 2), got.stream().map(AtomicReference::get).toList());
    assertFalse(ch.trySend(3), "the cancelled receiver left nothing behind");
  }

  @Test
  void aCancelledWaiterAloneInTheSlotLeavesItEmpty() {
    Channel<Integer> ch = Channel.rendezvous();
    Switch.run(sw -> parkedUntilCancelled(sw, () -> ch.send(-1)).run());
    assertEquals(Optional.empty(), ch.tryReceive());
    // A receiver now waits there, and a send that must not wait meets it.
    int got =
        Switch.call(
            sw -> {
              AtomicReference<Integer> cell = parkedReceive(sw, ch);
              assertTrue(ch.trySend(5));
              return cell;
            })
            .get();
    assertEquals(5, got);
  }

  @Test
  void aSelectWaitingAloneIsCompletedByAPlainSendAndWithdrawsFromTheOtherChannel() {
    Channel<Integer> ch = Channel.rendezvous();
    Channel<Integer> other = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    String what =
        Switch.call(
            sw -> {
              Promise<String> p =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return Channel.select(
                            other.onReceive(x -> "other " + x), ch.onReceive(x -> "ch " + x));
                      });
              awaitParked(t);
              ch.send(9);
              return p.await();
            });
    assertEquals("ch 9", what);
    assertFalse(other.trySend(1), "the losing clause left no registration behind");
    assertFalse(ch.trySend(1));
  }

  @Test
  void aSendFindingASenderInTheSlotQueuesBehindItAndCloseFailsBoth() {
    Channel<Integer> ch = Channel.rendezvous();
    List<Throwable> failures = new ArrayList<>();
    Switch.run(
        sw -> {
          for (int i = 0; i < 2; i++) {
            int k = i;
            AtomicReference<Thread> t = new AtomicReference<>();
            sw.fork(
                () -> {
                  t.set(Thread.currentThread());
                  Throwable e = assertThrows(ChannelClosedException.class, () -> ch.send(k));
                  synchronized (failures) {
                    failures.add(e);
                  }
                });
            awaitParked(t);
          }
          assertTrue(ch.close());
        });
    assertEquals(2, failures.size());
    assertThrows(ChannelClosedException.class, ch::receive);
    assertThrows(ChannelClosedException.class, () -> ch.send(3));
  }

  /**
   * Forks {@code op} in a cancellation context, waits until it is parked, and returns the action
   * that cancels it and waits until it has thrown {@link Cancelled}.
   */
  private static Runnable parkedUntilCancelled(Switch sw, Runnable op) {
    AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
    AtomicReference<Thread> t = new AtomicReference<>();
    sw.fork(
        () ->
            assertThrows(
                Cancelled.class,
                () ->
                    Cancel.sub(
                        c -> {
                          ctx.set(c);
                          t.set(Thread.currentThread());
                          op.run();
                        })));
    awaitParked(t);
    return () -> {
      ctx.get().cancel(new RuntimeException("gave up"));
      org.awaitility.Awaitility.await().until(() -> !t.get().isAlive());
    };
  }
}
