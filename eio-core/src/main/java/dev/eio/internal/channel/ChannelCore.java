package dev.eio.internal.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutable state of one channel that every send and receive touches: its lock, its rendezvous
 * slot and its queues of blocked senders and blocked receivers, in one object. An exchange
 * between fibers on two cores then moves this object's cache line and the waiter's, and nothing
 * else (B2, ADR 17: with the lock and each queue in an object of its own, a rendezvous exchange
 * moved about twice as many lines).
 *
 * <p>Both queues are FIFO and doubly linked, so a waiter that gave up (or won on another channel)
 * leaves in O(1) and an idle channel does not accumulate dead registrations. Everything but the
 * lock and the slot is guarded by the lock.
 *
 * <p><b>The slot</b> (rendezvous channels only, ADR 19). A waiter that finds nobody waiting
 * publishes itself in the slot by one CAS, without the lock, and a peer takes it out by one CAS
 * and then completes it; a rendezvous between two fibers thus touches neither the lock nor the
 * queues. The slot holds {@code null} (nobody waits), a node (the only waiter), or {@link
 * #QUEUED}: the waiters, if any, are in the queues and every operation must take the lock. Only a
 * lock holder sets or clears {@code QUEUED}: {@link #freezeSlot} right after locking moves the
 * slot's node into its queue, so the code under the lock sees every waiter there, and {@link
 * #settleSlot} right before unlocking opens the slot again when at most one node is left. The
 * slot's node is always the oldest waiter, so both queues stay first-come, first-served. Whoever
 * takes a node out of the slot (a peer, a freeze, or its owner giving up) owns it, as a lock
 * holder owns a node it polled from a queue: only the owner writes its value.
 */
public final class ChannelCore extends ChannelLock {
  /** Selects the queue of blocked senders in the queue methods. */
  public static final boolean SENDERS = true;

  /** Selects the queue of blocked receivers in the queue methods. */
  public static final boolean RECEIVERS = false;

  /** Returned by {@link #meetOrPublish} when the caller must take the lock. */
  public static final Object EMPTY = new Object();

  /** Returned by {@link #meetOrPublish} when a receiver waiting in the slot took the item. */
  public static final Object HANDED_OVER = new Object();

  // A node, so that the slot is typed and reading it needs no type check (which would load the
  // header of the node there, maybe from the peer's cache, before we know we need it).
  private static final ChannelNode QUEUED = new SelectNode(null, -1, null);
  private static final VarHandle SLOT;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(ChannelCore.class, "slot", ChannelNode.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The channel's number: select locks its channels in this order. */
  public final long id;

  // Whether the channel is a rendezvous one, which keeps its lone waiter in the slot.
  private final boolean rendezvous;

  // null, the one waiting node, or QUEUED (see the class comment)
  private volatile ChannelNode slot;

  /**
   * The channel's closed state, null while open; guarded by the lock. Written once, and read
   * under the lock, when this object's line is in the holder's cache anyway.
   */
  public Closed closed;

  private ChannelNode sendHead;
  private ChannelNode sendTail;
  private ChannelNode receiveHead;
  private ChannelNode receiveTail;

  /** A waiter completed under the lock, to wake once the lock is released. */
  public ChannelWaiter toWake;

  /** The state of channel number {@code id}; {@code rendezvous} for a capacity of 0. */
  public ChannelCore(long id, boolean rendezvous) {
    this.id = id;
    this.rendezvous = rendezvous;
  }

  /** Takes the lock; a rendezvous channel's waiters are then all in the queues (ADR 19). */
  public void lockFrozen() {
    lock();
    if (rendezvous) {
      freezeSlot();
    }
  }

  /** Releases the lock, then wakes the waiter the operation completed, if any. */
  public void unlockAndWake() {
    if (rendezvous) {
      settleSlot(closed != null);
    }
    ChannelWaiter w = toWake;
    toWake = null;
    unlock();
    if (w != null) {
      w.wake();
    }
  }

  /**
   * Locks every channel of a select ({@code cores} distinct, in id order). Never waits for one
   * lock while holding another (the rule of {@link ChannelLock}): when one is taken, releases the
   * others, waits for it, starts over.
   */
  public static void lockAll(ChannelCore[] cores) {
    for (int i = 0; i < cores.length; ) {
      if (cores[i].tryLock()) {
        i++;
        continue;
      }
      for (int j = i - 1; j >= 0; j--) {
        cores[j].unlock();
      }
      cores[i].awaitFree();
      i = 0;
    }
    for (ChannelCore c : cores) {
      if (c.rendezvous) {
        c.freezeSlot();
      }
    }
  }

  /** The node waiting in the slot, or {@code null} when the slot is empty or {@code QUEUED}. */
  public ChannelNode slotNode() {
    ChannelNode n = slot;
    return n == QUEUED ? null : n;
  }

  /** Whether the slot is {@code QUEUED}: operations must take the lock. */
  public boolean slotQueued() {
    return slot == QUEUED;
  }

  /** Publishes {@code n} as the only waiter, if the slot is empty (not {@code QUEUED}). */
  public boolean publish(ChannelNode n) {
    return SLOT.compareAndSet(this, null, n);
  }

  /**
   * Takes {@code n} out of the slot, if it is still there; whether it was. The caller then owns
   * it: a peer completes it (unless its waiter gave up meanwhile), its owner drops it.
   */
  public boolean take(ChannelNode n) {
    return SLOT.compareAndSet(this, n, null);
  }

  /**
   * Meets the complementary waiter in the slot, or publishes a waiter there: for a send ({@code
   * item} not null) returns HANDED_OVER once a waiting receiver took the item, for a receive
   * ({@code item} null) the item taken from a waiting sender; for either the waiter it published,
   * or EMPTY when it must take the lock (the slot is queued, or a waiter of its own kind is there
   * first and it must queue behind it).
   */
  public Object meetOrPublish(Object item) {
    boolean sending = item != null;
    ChannelWaiter w = null;
    for (; ; ) {
      ChannelNode s = slotNode();
      if (s != null) {
        // A waiting sender's item, a waiting receiver's null: a node's value changes only once
        // it has been taken out, so reading it before the take is safe.
        Object y = s.value;
        if ((y != null) == sending) {
          return EMPTY;
        }
        if (take(s)) {
          if (sending) {
            s.value = item;
          }
          if (s.waiter().complete(s)) {
            s.waiter().wake();
            return sending ? HANDED_OVER : y;
          }
        }
      } else if (slotQueued()) {
        return EMPTY;
      } else {
        if (w == null) {
          w = new ChannelWaiter(item);
        }
        if (publish(w)) {
          return w;
        }
      }
    }
  }

  /**
   * Under the lock, right after taking it: closes the slot, moving a node there into the queue of
   * its kind, so that the queues hold every waiter until {@link #settleSlot}.
   */
  public void freezeSlot() {
    for (; ; ) {
      ChannelNode n = slot;
      if (n == QUEUED) {
        return;
      }
      if (SLOT.compareAndSet(this, n, QUEUED)) {
        if (n != null) {
          // Until someone takes it, a node carries what its owner gave it: a sender's item
          // (never null), a receiver's null.
          add(n.value != null, n);
        }
        return;
      }
    }
  }

  /**
   * Under the lock, right before releasing it: opens the slot again unless {@code closed}. With
   * no node queued the slot becomes empty; with exactly one, that node moves back into it.
   */
  public void settleSlot(boolean closed) {
    if (closed) {
      return;
    }
    ChannelNode only = null;
    if (sendHead == null) {
      if (receiveHead != null) {
        if (receiveHead != receiveTail) {
          return;
        }
        only = receiveHead;
        unlink(RECEIVERS, only);
      }
    } else if (receiveHead == null && sendHead == sendTail) {
      only = sendHead;
      unlink(SENDERS, only);
    } else {
      return;
    }
    slot = only; // still QUEUED until here, which only the lock holder changes
  }

  /** Appends {@code n} to the senders' or receivers' queue (FIFO: served in arrival order). */
  public void add(boolean senders, ChannelNode n) {
    ChannelNode tail = senders ? sendTail : receiveTail;
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
    // Queued means linked behind another node or first; a node taken out has no prev.
    if (n.prev != null || (senders ? sendHead : receiveHead) == n) {
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
