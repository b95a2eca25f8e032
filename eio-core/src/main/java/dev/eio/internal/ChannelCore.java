package dev.eio.internal;

/**
 * The mutable state of one channel that every send and receive touches: its lock, its queues of
 * blocked senders and blocked receivers, and the spinning heuristic, in one object. An exchange
 * between fibers on two cores then moves this object's cache line and the waiter's, and nothing
 * else (B2, ADR 17: with the lock and each queue in an object of its own, a rendezvous exchange
 * moved about twice as many lines).
 *
 * <p>Both queues are FIFO and doubly linked, so a waiter that gave up (or won on another channel)
 * leaves in O(1) and an idle channel does not accumulate dead registrations. Everything but the
 * lock itself is guarded by the lock.
 */
public final class ChannelCore extends ChannelLock {
  /** Selects the queue of blocked senders in the queue methods. */
  public static final boolean SENDERS = true;

  /** Selects the queue of blocked receivers in the queue methods. */
  public static final boolean RECEIVERS = false;

  private ChannelNode sendHead;
  private ChannelNode sendTail;
  private ChannelNode receiveHead;
  private ChannelNode receiveTail;

  /** A waiter completed under the lock, to wake once the lock is released. */
  public ChannelWaiter toWake;

  /**
   * Unpaid spins in a row of the channel's waiters; written without the lock by the waiter that
   * spun (a heuristic: a lost update only delays the next adjustment).
   */
  public int spinMisses;

  /** Appends {@code n} to the senders' or receivers' queue (FIFO: served in arrival order). */
  public void add(boolean senders, ChannelNode n) {
    ChannelNode tail = senders ? sendTail : receiveTail;
    n.linked = true;
    n.next = null;
    n.prev = tail;
    if (tail == null) {
      setHead(senders, n);
    } else {
      tail.next = n;
    }
    setTail(senders, n);
  }

  /** Removes and returns the oldest node of the queue, or {@code null} when it is empty. */
  public ChannelNode poll(boolean senders) {
    ChannelNode n = senders ? sendHead : receiveHead;
    if (n != null) {
      unlink(senders, n);
    }
    return n;
  }

  /** Whether no node is queued. */
  public boolean isEmpty(boolean senders) {
    return (senders ? sendHead : receiveHead) == null;
  }

  /** Removes {@code n} when it is still queued (a no-op when a peer already took it). */
  public void remove(boolean senders, ChannelNode n) {
    if (n.linked) {
      unlink(senders, n);
    }
  }

  private void unlink(boolean senders, ChannelNode n) {
    ChannelNode p = n.prev;
    ChannelNode x = n.next;
    if (p == null) {
      setHead(senders, x);
    } else {
      p.next = x;
    }
    if (x == null) {
      setTail(senders, p);
    } else {
      x.prev = p;
    }
    n.prev = null;
    n.next = null;
    n.linked = false;
  }

  private void setHead(boolean senders, ChannelNode n) {
    if (senders) {
      sendHead = n;
    } else {
      receiveHead = n;
    }
  }

  private void setTail(boolean senders, ChannelNode n) {
    if (senders) {
      sendTail = n;
    } else {
      receiveTail = n;
    }
  }
}
