package dev.eio.internal.actor;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.actor.Mailbox;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MessagePassingQueue;
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
 *
 * <p>Before publishing itself, a receiver whose recent waits were short watches the slot the
 * next message lands in for up to {@link #SPIN_MAX_NANOS} (ADR 38): a reply that comes within
 * microseconds then costs neither side a park and an unpark. The budget adapts: a spin that
 * catches a message keeps it, one that does not halves it, down to parking at once; a parked
 * receiver tries spinning again only after quick wake-ups, at growing intervals. An idle actor
 * never spins, so it costs no CPU.
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

  /**
   * The longest a receiver watches its queue before parking (ADR 38): {@code
   * -Deio.actor.spinNanos}, 10 microseconds by default, none on a single processor (the sender
   * cannot run while we spin) or when set to 0.
   */
  static final int SPIN_MAX_NANOS =
      Math.max(0, Integer.getInteger(
          "eio.actor.spinNanos", Runtime.getRuntime().availableProcessors() > 1 ? 10_000 : 0));

  /** A spin budget halved below this is dropped: the receiver parks at once. */
  static final int SPIN_MIN_NANOS = Math.max(1, SPIN_MAX_NANOS >> 3);

  /** At most this many quick parks between two probing spins of a receiver that stopped. */
  static final int PROBE_GAP_MAX = 1024;

  /** Unbounded mailboxes grow in chunks of this many slots. */
  static final int CHUNK = 32;

  private final MessagePassingQueue<Object> queue;
  private final MpscAtomicUnpaddedArrayQueue<Object> bounded;
  private final int capacity;
  private final boolean waitWhenFull;
  private volatile Thread waiter;
  // Adaptive spinning before parking (ADR 38); the consumer's own fields, plain.
  private int spinNanos;
  private int probeGap = 1;
  private int quickParks;
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
    int budget = spinNanos;
    if (budget > 0
        && (deadline == Long.MAX_VALUE || deadline - System.nanoTime() > budget)
        && spin(me, budget)) {
      return true;
    }
    waiter = me;
    VarHandle.fullFence();
    try {
      if (!queue.isEmpty()) {
        return true;
      }
      long parkedAt = System.nanoTime();
      if (deadline == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long left = deadline - parkedAt;
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
      }
      if (Thread.interrupted()) {
        throw cancelled();
      }
      afterPark(System.nanoTime() - parkedAt);
      return true;
    } finally {
      waiter = null;
    }
  }

  /**
   * Watches the queue for up to {@code budget} nanoseconds without parking (the sender then
   * skips the unpark too). True when a message came; otherwise the next budget is halved, to
   * nothing below {@link #SPIN_MIN_NANOS}.
   */
  private boolean spin(Thread me, int budget) {
    long start = System.nanoTime();
    for (int i = 1; ; i++) {
      // The slot the next message lands in: one cache line, written by the sender.
      if (queue.relaxedPeek() != null) {
        if (budget != SPIN_MAX_NANOS || probeGap != 1) { // no store while it stays put
          spinNanos = SPIN_MAX_NANOS;
          probeGap = 1;
        }
        return true;
      }
      Thread.onSpinWait();
      // The clock and the interrupt are read every few turns: each read costs more than a turn.
      if ((i & 7) == 0 && (System.nanoTime() - start >= budget || me.isInterrupted())) {
        int next = budget >> 1;
        spinNanos = next < SPIN_MIN_NANOS ? 0 : next;
        return false;
      }
    }
  }

  /**
   * Learns from a park of {@code waited} nanoseconds while not spinning: a message that came
   * within the longest spin says spinning may pay again, so after {@code probeGap} such parks
   * the next wait spins once more; the gap doubles each time, and a spin that catches a message
   * resets it. An idle actor (long waits) never spins again.
   */
  private void afterPark(long waited) {
    if (spinNanos == 0 && waited < SPIN_MAX_NANOS && ++quickParks >= probeGap) {
      quickParks = 0;
      probeGap = Math.min(probeGap << 1, PROBE_GAP_MAX);
      spinNanos = SPIN_MAX_NANOS;
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
