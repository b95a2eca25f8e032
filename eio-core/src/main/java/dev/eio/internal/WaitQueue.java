package dev.eio.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * A FIFO queue of parked fibers, guarded by the lock of the primitive that owns it (a mutex,
 * semaphore or condition). Waking hands a non-null token to a waiter; a waiter either receives a
 * token or is cancelled and unlinked, decided under the owner's lock, so a token is never lost and
 * never delivered to a fiber that throws {@code Cancelled}.
 *
 * <p>{@link #enqueue}, {@link #wakeOne}, {@link #wakeAll}, {@link #remove} and {@link #isEmpty}
 * must be called while holding {@code synchronized (owner)}; {@link #await} must not.
 */
public final class WaitQueue {
  /** One waiting fiber. */
  public static final class Node {
    final Thread thread;
    volatile Object token;
    Node prev;
    Node next;
    boolean linked;

    Node(Thread thread) {
      this.thread = thread;
    }
  }

  private final Object owner;
  private Node head;
  private Node tail;

  /** A queue guarded by {@code owner}'s monitor; {@code owner} is also the park blocker. */
  public WaitQueue(Object owner) {
    this.owner = owner;
  }

  /** Appends a node for the calling thread. Caller holds the owner's lock. */
  public Node enqueue() {
    Node n = new Node(Thread.currentThread());
    n.prev = tail;
    if (tail != null) {
      tail.next = n;
    } else {
      head = n;
    }
    tail = n;
    n.linked = true;
    return n;
  }

  /** How many fibers wait. Caller holds the owner's lock. */
  public int size() {
    int k = 0;
    for (Node n = head; n != null; n = n.next) {
      k++;
    }
    return k;
  }

  /** Whether nobody waits. Caller holds the owner's lock. */
  public boolean isEmpty() {
    return head == null;
  }

  /**
   * Hands {@code token} to the oldest waiter and unparks it. Caller holds the owner's lock.
   *
   * @return whether there was a waiter
   */
  public boolean wakeOne(Object token) {
    Node n = head;
    if (n == null) {
      return false;
    }
    unlink(n);
    n.token = token;
    LockSupport.unpark(n.thread);
    return true;
  }

  /** Hands {@code token} to every waiter. Caller holds the owner's lock. */
  public int wakeAll(Object token) {
    int k = 0;
    while (wakeOne(token)) {
      k++;
    }
    return k;
  }

  /**
   * Unlinks {@code n} if it has not been woken. Caller holds the owner's lock.
   *
   * @return whether it was still waiting (so it will never receive a token)
   */
  public boolean remove(Node n) {
    if (!n.linked) {
      return false;
    }
    unlink(n);
    return true;
  }

  private void unlink(Node n) {
    if (n.prev != null) {
      n.prev.next = n.next;
    } else {
      head = n.next;
    }
    if (n.next != null) {
      n.next.prev = n.prev;
    } else {
      tail = n.prev;
    }
    n.prev = null;
    n.next = null;
    n.linked = false;
  }

  /**
   * Parks until {@code n} receives a token and returns it. When the caller is cancelled first,
   * unlinks the node and throws {@code Cancelled}; when the token arrived before the cancellation
   * was seen, returns it and leaves the interrupt status set (completed, not cancelled).
   */
  public Object await(Node n) {
    while (true) {
      Object t = n.token;
      if (t != null) {
        return t;
      }
      LockSupport.park(owner);
      t = n.token;
      if (t != null) {
        return t;
      }
      if (Thread.interrupted()) {
        synchronized (owner) {
          if (remove(n)) {
            throw Interrupts.cancelledByInterrupt(null);
          }
        }
        // Woken before we saw the interrupt: the token is ours, the cancellation stays pending.
        Thread.currentThread().interrupt();
        return n.token;
      }
    }
  }
}
