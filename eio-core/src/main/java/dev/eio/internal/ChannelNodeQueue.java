package dev.eio.internal;

/**
 * A FIFO of {@link ChannelNode}s, doubly linked so a waiter that gave up (or won on another
 * channel) leaves in O(1) and an idle channel does not accumulate dead registrations.
 *
 * <p>Not thread-safe: guarded by the owning channel's lock.
 */
public final class ChannelNodeQueue {
  private ChannelNode head;
  private ChannelNode tail;

  /** Appends {@code n} (FIFO: waiters are served in arrival order). */
  public void add(ChannelNode n) {
    n.linked = true;
    n.next = null;
    n.prev = tail;
    if (tail == null) {
      head = n;
    } else {
      tail.next = n;
    }
    tail = n;
  }

  /** Removes and returns the oldest node, or {@code null} when empty. */
  public ChannelNode poll() {
    ChannelNode n = head;
    if (n != null) {
      unlink(n);
    }
    return n;
  }

  /** Whether no node is queued. */
  public boolean isEmpty() {
    return head == null;
  }

  /** Removes {@code n} when it is still queued here (a no-op when a peer already took it). */
  public void remove(ChannelNode n) {
    if (n.linked) {
      unlink(n);
    }
  }

  private void unlink(ChannelNode n) {
    ChannelNode p = n.prev;
    ChannelNode x = n.next;
    if (p == null) {
      head = x;
    } else {
      p.next = x;
    }
    if (x == null) {
      tail = p;
    } else {
      x.prev = p;
    }
    n.prev = null;
    n.next = null;
    n.linked = false;
  }
}
