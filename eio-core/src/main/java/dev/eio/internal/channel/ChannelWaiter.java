package dev.eio.internal.channel;

import dev.eio.internal.Interrupts;
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
  // Yields of a virtual thread before parking; measured in B2 (ADR 4): 2 cut rendezvous cost by
  // about a third.
  private static final int YIELDS = 2;
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

  /**
   * Parks until a peer completes one of this waiter's nodes and returns it. Returns null when the
   * deadline passed first ({@code timed} only), throws {@code Cancelled} when the fiber was
   * cancelled first; in both cases no node completed (the waiter's single CAS decides which came
   * first). Called by the owner only.
   */
  public ChannelNode awaitWinner(boolean timed, long deadline) {
    ChannelNode won;
    // A spin or yield that paid needs no announcement (a full fence) that we are about to park.
    if (winner() == null) {
      prepareToPark();
    }
    while ((won = winner()) == null) {
      if (timed) {
        long left = deadline - System.nanoTime();
        if (left <= 0L) {
          if (cancel()) {
            return null;
          }
          continue; // completed just in time
        }
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
      if (winner() == null && Thread.interrupted()) {
        if (cancel()) {
          throw Interrupts.cancelledByInterrupt(null);
        }
        // Completed before we saw the interrupt: report the completion, keep the cancellation.
        Thread.currentThread().interrupt();
      }
    }
    return won;
  }

  /**
   * Yields a few times while this waiter is not completed, before parking (owner only).
   *
   * <p>A peer we just woke, or that is about to complete us, is often queued on our own carrier:
   * letting it run first saves a park/unpark round trip. A platform thread (the root of a run, a
   * domain thread) has no carrier to share, and its yield is the operating system's, which on a
   * busy machine gives the processor away for a time slice (about 2 ms here with four busy
   * threads on two cores): it parks at once.
   */
  public void yieldBeforePark() {
    int yields = Thread.currentThread().isVirtual() ? YIELDS : 0;
    for (int i = 0; i < yields && winner() == null; i++) {
      Thread.yield();
    }
  }

  /** Spins for at most {@code nanos} waiting for a peer to complete this waiter; whether one did. */
  public boolean spin(long nanos) {
    long start = System.nanoTime();
    for (int i = 1; winner() == null; i++) {
      Thread.onSpinWait();
      if ((i & 15) == 0 && System.nanoTime() - start > nanos) {
        return false;
      }
    }
    return true;
  }
}
