package dev.eio.internal.actor;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.actor.Mailbox;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.unpadded.MpscAtomicUnpaddedArrayQueue;
import org.jctools.queues.atomic.unpadded.MpscUnboundedAtomicUnpaddedArrayQueue;

/**
 * A mailbox: a multi-producer single-consumer queue (JCTools, ADR 31) with a parked consumer and,
 * for bounded mailboxes that wait, parked senders.
 *
 * <p>The consumer publishes itself in {@code waiter} and checks the queue again before parking;
 * a producer enqueues, then reads {@code waiter}. Both sides put a full fence between their write
 * and their read (the queue's own stores are release stores only), so one of them always sees the
 * other: no wake-up is lost. The padding-free queue variants keep an idle actor small; a mailbox
 * has one consumer, so the false sharing padding prevents costs little here.
 */
final class MailboxQueue {
  private static final VarHandle WAITER;

  static {
    try {
      WAITER = MethodHandles.lookup().findVarHandle(MailboxQueue.class, "waiter", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Unbounded mailboxes grow in chunks of this many slots. */
  static final int CHUNK = 32;

  private final Queue<Object> queue;
  private final MpscAtomicUnpaddedArrayQueue<Object> bounded;
  private final int capacity;
  private final boolean waitWhenFull;
  private volatile Thread waiter;
  // Senders waiting for room (WAIT mailboxes only); created with the mailbox.
  private final ConcurrentLinkedQueue<Thread> senders;

  MailboxQueue(Mailbox kind) {
    if (kind.isBounded()) {
      capacity = kind.capacity();
      // Twice the capacity: the upper half is the reserve for the runtime's notices.
      bounded = new MpscAtomicUnpaddedArrayQueue<>(Math.max(2, capacity * 2));
      queue = bounded;
      waitWhenFull = kind.whenFull() == Mailbox.WhenFull.WAIT;
      senders = waitWhenFull ? new ConcurrentLinkedQueue<>() : null;
    } else {
      capacity = 0;
      bounded = null;
      queue = new MpscUnboundedAtomicUnpaddedArrayQueue<>(CHUNK);
      waitWhenFull = false;
      senders = null;
    }
  }

  int capacity() {
    return capacity;
  }

  boolean waitsWhenFull() {
    return waitWhenFull;
  }

  /** Enqueues a sender's message if there is room; wakes the consumer. */
  boolean offer(Object m) {
    boolean ok = bounded == null ? queue.offer(m) : bounded.offerIfBelowThreshold(m, capacity);
    if (ok) {
      wakeConsumer();
    }
    return ok;
  }

  /** Enqueues a runtime notice, using the reserve of a bounded mailbox; wakes the consumer. */
  boolean offerNotice(Object m) {
    boolean ok = queue.offer(m);
    if (ok) {
      wakeConsumer();
    }
    return ok;
  }

  private void wakeConsumer() {
    VarHandle.fullFence();
    Thread w = waiter;
    if (w != null && WAITER.compareAndSet(this, w, null)) {
      LockSupport.unpark(w);
    }
  }

  /** The next message, or null; consumer only. */
  Object poll() {
    Object m = queue.poll();
    if (m != null && senders != null) {
      wakeSender();
    }
    return m;
  }

  private void wakeSender() {
    VarHandle.fullFence();
    if (!senders.isEmpty()) {
      Thread t = senders.poll();
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /**
   * Parks the consumer until a message may be there or {@code deadline} (a {@link
   * System#nanoTime()} reading; {@code Long.MAX_VALUE} for none) has passed.
   *
   * @return false once the deadline has passed
   * @throws Cancelled when the consumer is cancelled (nothing taken)
   */
  boolean awaitMessage(long deadline) {
    Thread me = Thread.currentThread();
    Fiber.check();
    waiter = me;
    VarHandle.fullFence();
    try {
      if (!queue.isEmpty()) {
        return true;
      }
      if (deadline == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
      }
      if (Thread.interrupted()) {
        throw cancelled();
      }
      return true;
    } finally {
      waiter = null;
    }
  }

  /** Waits for room for a sender's message (WAIT mailboxes); false once {@code closed} says so. */
  boolean offerWaiting(Object m, java.util.function.BooleanSupplier closed) {
    Thread me = Thread.currentThread();
    while (true) {
      if (offer(m)) {
        return true;
      }
      if (closed.getAsBoolean()) {
        return false;
      }
      Fiber.check();
      senders.add(me);
      VarHandle.fullFence();
      if (offer(m)) {
        senders.remove(me);
        return true;
      }
      LockSupport.park(this);
      boolean interrupted = Thread.interrupted();
      if (!senders.remove(me)) {
        // A taker chose us: when we leave without sending, pass the room on.
        if (interrupted) {
          wakeSender();
        }
      }
      if (interrupted) {
        throw cancelled();
      }
    }
  }

  /** Wakes every waiting sender (the actor stopped: they count their messages as dead). */
  void releaseSenders() {
    if (senders != null) {
      for (Thread t; (t = senders.poll()) != null; ) {
        LockSupport.unpark(t);
      }
    }
  }

  /** Takes everything left; returns how many messages there were. */
  int drain() {
    int n = 0;
    while (queue.poll() != null) {
      n++;
    }
    return n;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  private static Cancelled cancelled() {
    Thread.currentThread().interrupt();
    Fiber.check(); // throws with the fiber's cancellation reason
    return new Cancelled("interrupted");
  }
}
