package dev.eio.internal;

/**
 * One registration of a {@link ChannelWaiter} in one channel's queue of blocked senders or
 * receivers; a select registers one node per clause, all sharing the waiter. A plain send or
 * receive waits on one channel only, so its {@link ChannelWaiter} is its own node (one object,
 * one cache line for the peer to write).
 *
 * <p>Every field but {@link #waiter} and {@link #clause} is guarded by the lock of the channel the
 * node is queued in, or belongs to whoever took the node out of a rendezvous channel's lock-free
 * slot (see {@link ChannelCore}); the owner reads {@link #value} only after the waiter named this
 * node the winner.
 */
public class ChannelNode {
  /** The blocked fiber. */
  public final ChannelWaiter waiter;

  /** The index of the select clause this node stands for (0 for a plain send or receive). */
  public final int clause;

  /**
   * For a sender: the item it offers. For a receiver: the item handed to it. For either: a
   * closed marker written by the peer that completed the node because the channel closed.
   */
  public Object value;

  ChannelNode prev;
  ChannelNode next;
  boolean linked;

  /** A node for {@code waiter}'s clause {@code clause}, carrying {@code value} (a sender's item). */
  public ChannelNode(ChannelWaiter waiter, int clause, Object value) {
    this.waiter = waiter;
    this.clause = clause;
    this.value = value;
  }

  /** The node part of a waiter, carrying {@code value}: its own waiter, for clause 0. */
  ChannelNode(Object value) {
    this.waiter = (ChannelWaiter) this;
    this.clause = 0;
    this.value = value;
  }
}
