package dev.eio.internal.channel;

/**
 * One registration of a {@link ChannelWaiter} in one channel's slot or queue of blocked senders
 * or receivers. A plain send or receive waits on one channel only, so its {@link ChannelWaiter}
 * is its own node (one object, one cache line for the peer to write); a select registers one
 * {@link SelectNode} per clause, all sharing its waiter.
 *
 * <p>{@link #prev} and {@link #next} are guarded by the lock of the channel the node is queued
 * in. {@link #value} belongs to whoever took the node out of its queue (under the lock) or out of
 * a rendezvous channel's lock-free slot (see {@link ChannelCore}); the owner reads it only after
 * its waiter named this node the winner.
 *
 * <p>A plain waiter is 32 bytes (B2: a 48-byte node cost the JDK's own {@code SynchronousQueue}
 * algorithm 4% to 6% in a rendezvous), so fields only a select needs live in {@link SelectNode}.
 */
public abstract class ChannelNode {
  /**
   * For a sender: the item it offers. For a receiver: the item handed to it. For either: a
   * closed marker written by the peer that completed the node because the channel closed.
   */
  public Object value;

  ChannelNode prev;
  ChannelNode next;

  ChannelNode(Object value) {
    this.value = value;
  }

  /** The blocked fiber's waiter, which a peer claims to complete this node. */
  public abstract ChannelWaiter waiter();

  /** The index of the select clause this node stands for (0 for a plain send or receive). */
  public abstract int clause();
}
