package dev.eio.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * B2 prototype (ADR 42), not a channel: a bounded MPMC ring (Vyukov's per-slot sequence numbers)
 * whose producer index, consumer index and every slot sit on cache lines of their own, so that on
 * two carriers a producer and a consumer never write the same line except the slot an item passes
 * through; plus the waiter handshake a channel's lock-free path needs (ADR 34): after each
 * operation a full fence and a read of the other side's waiter count, and a waiter that registers
 * (a full fence) and then re-checks the ring before it parks. Waiters yield twice first, like
 * {@code ChannelWaiter}. No close, no select, no cancellation, no FIFO among waiters; the capacity
 * must be a power of two.
 *
 * <p>{@code fenced=false} drops the fence and the waiter check after each operation (the waiters
 * then only ever wake by their park timeout): the upper bound of the ring alone, which cannot be
 * a channel.
 */
final class RingPrototype implements ChannelBench.Q {
  /** Left padding: the hot fields of a subclass start a line after any earlier object. */
  abstract static class PadLeft {
    long p0, p1, p2, p3, p4, p5, p6, p7;
  }

  /** A slot: the sequence number and the item, alone on their line. */
  abstract static class SlotFields extends PadLeft {
    volatile long seq;
    Object value;
  }

  static final class Slot extends SlotFields {
    long q0, q1, q2, q3, q4, q5, q6, q7;
  }

  /** An index (or a waiter count) alone on its line. */
  abstract static class CounterFields extends PadLeft {
    volatile long value;
  }

  static final class Counter extends CounterFields {
    long q0, q1, q2, q3, q4, q5, q6, q7;
  }

  /** A parked (or about to park) thread; claimed once, by a waker or by its owner leaving. */
  static final class Waiter {
    final Thread thread = Thread.currentThread();
    volatile int state; // 0 waiting, 1 woken, 2 left

    boolean claim(int to) {
      return STATE.compareAndSet(this, 0, to);
    }
  }

  private static final VarHandle SEQ;
  private static final VarHandle VALUE;
  private static final VarHandle STATE;
  // Yields before registering (2, like ChannelWaiter); -Deio.bench.ringYields changes it, to see
  // how much of the 4P/4C cost is parking (ADR 42).
  private static final int YIELDS = Integer.getInteger("eio.bench.ringYields", 2);
  // Without the fence nobody wakes a parked waiter: it polls.
  private static final long BARE_PARK_NANOS = 20_000L;

  static {
    try {
      var l = MethodHandles.lookup();
      SEQ = l.findVarHandle(SlotFields.class, "seq", long.class);
      VALUE = l.findVarHandle(CounterFields.class, "value", long.class);
      STATE = l.findVarHandle(Waiter.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Slot[] slots;
  private final int mask;
  private final boolean fenced;
  private final Counter tail = new Counter();
  private final Counter head = new Counter();
  private final Counter sendWaiters = new Counter();
  private final Counter receiveWaiters = new Counter();
  private final ConcurrentLinkedQueue<Waiter> senders = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Waiter> receivers = new ConcurrentLinkedQueue<>();
  // Counted on the waiting path only (racy at 4P/4C, exact at 1P/1C): why a round was slow.
  private long waits;
  private long yields;
  private long parks;
  /** The counters of the last ring a round used ("waits/yields/parks per item"), for verbose=1. */
  static volatile RingPrototype last;

  /** Waits, yields and parks per item over {@code items} items. */
  String counters(int items) {
    return String.format(
        java.util.Locale.ROOT, "waits %.4f yields %.4f parks %.4f per item",
        (double) waits / items, (double) yields / items, (double) parks / items);
  }

  RingPrototype(int capacity, boolean fenced) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
    }
    this.fenced = fenced;
    slots = new Slot[capacity];
    for (int i = 0; i < capacity; i++) {
      slots[i] = new Slot();
      slots[i].seq = i;
    }
    mask = capacity - 1;
    last = this;
  }

  private boolean offer(Object x) {
    for (; ; ) {
      long pos = tail.value;
      Slot s = slots[(int) pos & mask];
      long d = (long) SEQ.getAcquire(s) - pos;
      if (d == 0) {
        if (VALUE.compareAndSet(tail, pos, pos + 1)) {
          s.value = x;
          SEQ.setRelease(s, pos + 1);
          return true;
        }
      } else if (d < 0) {
        return false;
      }
    }
  }

  private Object poll() {
    for (; ; ) {
      long pos = head.value;
      Slot s = slots[(int) pos & mask];
      long d = (long) SEQ.getAcquire(s) - (pos + 1);
      if (d == 0) {
        if (VALUE.compareAndSet(head, pos, pos + 1)) {
          Object x = s.value;
          s.value = null;
          SEQ.setRelease(s, pos + mask + 1);
          return x;
        }
      } else if (d < 0) {
        return null;
      }
    }
  }

  @Override
  public void put(Integer x) {
    if (!offer(x)) {
      await(x);
    }
    afterOp(receiveWaiters, receivers);
  }

  @Override
  public Integer take() {
    Object x = poll();
    if (x == null) {
      x = await(null);
    }
    afterOp(sendWaiters, senders);
    return (Integer) x;
  }

  // The Dekker half of the fast path: our operation's store, a full fence, then the peers' count.
  private void afterOp(Counter waiters, ConcurrentLinkedQueue<Waiter> queue) {
    if (!fenced) {
      return;
    }
    VarHandle.fullFence();
    if (waiters.value != 0) {
      wakeOne(queue);
    }
  }

  private static void wakeOne(ConcurrentLinkedQueue<Waiter> queue) {
    for (Waiter w; (w = queue.poll()) != null; ) {
      if (w.claim(1)) {
        LockSupport.unpark(w.thread);
        return;
      }
    }
  }

  /** Waits until {@code x} is offered (x not null) or an item is polled (x null). */
  private Object await(Object x) {
    boolean sending = x != null;
    waits++;
    for (int i = 0; i < YIELDS; i++) {
      yields++;
      Thread.yield();
      Object r = attempt(x);
      if (r != null) {
        return r;
      }
    }
    Counter count = sending ? sendWaiters : receiveWaiters;
    ConcurrentLinkedQueue<Waiter> queue = sending ? senders : receivers;
    for (; ; ) {
      Waiter w = new Waiter();
      queue.add(w);
      VALUE.getAndAdd(count, 1L); // a full fence: registered, then re-check
      try {
        Object r = attempt(x);
        if (r != null) {
          if (!w.claim(2)) {
            // A waker chose us for a wake we no longer need: pass it on.
            wakeOne(queue);
          }
          return r;
        }
        while (w.state == 0) {
          parks++;
          if (fenced) {
            LockSupport.park(this);
          } else {
            LockSupport.parkNanos(this, BARE_PARK_NANOS);
            if (w.state == 0 && attemptPending(x)) {
              w.claim(2);
              break;
            }
          }
        }
      } finally {
        VALUE.getAndAdd(count, -1L);
      }
    }
  }

  // Without wakers, a waiter polls: does the ring look ready? (the loop then attempts)
  private boolean attemptPending(Object x) {
    return x != null ? (long) SEQ.getAcquire(slots[(int) tail.value & mask]) == tail.value
        : (long) SEQ.getAcquire(slots[(int) head.value & mask]) == head.value + 1;
  }

  private Object attempt(Object x) {
    if (x != null) {
      return offer(x) ? x : null;
    }
    return poll();
  }
}
