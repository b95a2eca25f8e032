package dev.eio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A fiber blocked in a channel operation or a select: it is claimed exactly once, either by a
 * peer that completes one of its {@link ChannelNode}s or by its owner that gives up (cancelled or
 * timed out), never both.
 *
 * <p>A peer writes the node's value first and then claims the waiter with one CAS, so the owner
 * that sees itself claimed (a volatile read) also sees the value. One waiter may be registered on
 * several channels (a select); the CAS picks the one node that happened. A waiter is also a node,
 * the one a plain send or receive queues (see {@link ChannelNode}).
 */
public final class ChannelWaiter extends ChannelNode {
  private static final Object CANCELLED = new Object();
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(ChannelWaiter.class, "state", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // null while waiting, then CANCELLED or the node that completed
  private volatile Object state;

  // The owner's thread, set by the owner before it parks; until then it spins or yields and
  // needs no unpark. (One field for "parking" and "whom to unpark" keeps the waiter at 32 bytes.)
  private volatile Thread parked;

  /** A waiter for the calling thread, for a select (which queues nodes of its own). */
  public ChannelWaiter() {
    this(null);
  }

  /** A waiter for the calling thread that is also its own node, carrying {@code value}. */
  public ChannelWaiter(Object value) {
    super(value);
  }

  @Override
  public ChannelWaiter waiter() {
    return this;
  }

  @Override
  public int clause() {
    return 0;
  }

  /**
   * Claims the waiter for {@code node} (called by a peer that polled {@code node} under its
   * channel's lock or took it out of the channel's slot, after it wrote the node's value). The
   * caller then {@link #wake}s it, preferably after releasing the lock so the woken fiber does not
   * run into it.
   *
   * @return whether the claim won; when not, the node is dead and the value write is void
   */
  public boolean complete(ChannelNode node) {
    return STATE.compareAndSet(this, null, node);
  }

  /**
   * Unparks the waiting fiber (after {@link #complete}) if it got as far as parking; a fiber
   * still spinning or yielding sees its completion without an unpark, which would only leave a
   * stale permit behind.
   *
   * @return whether the owner was parking (and was unparked)
   */
  public boolean wake() {
    // Pairs with prepareToPark: the owner writes parked, then reads state; we wrote state (the
    // CAS in complete), then read parked. Both are volatile, so one of us sees the other.
    Thread t = parked;
    if (t != null) {
      LockSupport.unpark(t);
      return true;
    }
    return false;
  }

  /**
   * The owner is about to park: from now on a completing peer unparks it. The owner must check
   * {@link #winner()} again after this call and before each park.
   */
  public void prepareToPark() {
    parked = Thread.currentThread();
  }

  /**
   * The owner gives up waiting.
   *
   * @return true when no peer completed a node first; false when one did (see {@link #winner()})
   */
  public boolean cancel() {
    return STATE.compareAndSet(this, null, CANCELLED);
  }

  /** The node a peer completed, or {@code null} while waiting or after {@link #cancel()}. */
  public ChannelNode winner() {
    return state instanceof ChannelNode n ? n : null;
  }
}
