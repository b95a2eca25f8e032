package dev.eio.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.eio.internal.channel.ChannelCore;
import dev.eio.internal.channel.ChannelNode;
import dev.eio.internal.channel.ChannelWaiter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * The slot of a rendezvous channel ({@link ChannelCore}, ADR 19): the one waiter published there
 * without the lock is taken out by exactly one peer, lock holder or owner, never two and never
 * none, and a hand-over through it delivers the item exactly when the waiter's claim says so.
 */
public final class ChannelSlotStress {
  private ChannelSlotStress() {}

  /** Two fibers find the slot empty and publish at once: exactly one becomes the waiter there. */
  @JCStressTest
  @Outcome(id = "true, false, true", expect = ACCEPTABLE, desc = "the first published")
  @Outcome(id = "false, true, true", expect = ACCEPTABLE, desc = "the second published")
  @State
  public static class PublishVersusPublish {
    final ChannelCore core = new ChannelCore(1, true);
    final ChannelWaiter a = new ChannelWaiter("a");
    final ChannelWaiter b = new ChannelWaiter("b");

    @Actor
    public void first(ZZZ_Result r) {
      r.r1 = core.publish(a);
    }

    @Actor
    public void second(ZZZ_Result r) {
      r.r2 = core.publish(b);
    }

    @Arbiter
    public void slot(ZZZ_Result r) {
      ChannelNode n = core.slotNode();
      r.r3 = n == (r.r1 ? a : b);
    }
  }

  /**
   * A peer takes the waiting sender out of the slot while a lock holder freezes the slot: either
   * the peer has it (and it is in no queue) or the queue has it (and the peer's take failed).
   */
  @JCStressTest
  @Outcome(id = "true, false, false", expect = ACCEPTABLE, desc = "the peer took it first")
  @Outcome(id = "false, true, false", expect = ACCEPTABLE, desc = "the freeze queued it first")
  @State
  public static class TakeVersusFreeze {
    final ChannelCore core = new ChannelCore(1, true);
    final ChannelWaiter sender = new ChannelWaiter("item");

    {
      core.publish(sender);
    }

    @Actor
    public void peer(ZZZ_Result r) {
      r.r1 = core.take(sender);
    }

    @Actor
    public void lockHolder(ZZZ_Result r) {
      core.lock();
      try {
        core.freezeSlot();
        r.r2 = core.poll(ChannelCore.SENDERS) == sender;
      } finally {
        core.unlock();
      }
    }

    @Arbiter
    public void slot(ZZZ_Result r) {
      r.r3 = core.slotNode() != null;
    }
  }

  /**
   * A fiber publishes while a lock holder freezes and then settles the slot with nothing else
   * queued: the waiter ends in the slot either way (published after the settle, or queued by the
   * freeze and moved back by the settle), never lost in between.
   */
  @JCStressTest
  @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "published, and in the slot at the end")
  @Outcome(
      id = "false, true",
      expect = ACCEPTABLE,
      desc = "the slot was frozen; the waiter would take the lock (not published, not waiting)")
  @State
  public static class PublishVersusFreezeAndSettle {
    final ChannelCore core = new ChannelCore(1, true);
    final ChannelWaiter receiver = new ChannelWaiter(null);

    @Actor
    public void waiter(ZZ_Result r) {
      r.r1 = core.publish(receiver);
    }

    @Actor
    public void lockHolder() {
      core.lock();
      try {
        core.freezeSlot();
        core.settleSlot(false);
      } finally {
        core.unlock();
      }
    }

    @Arbiter
    public void slot(ZZ_Result r) {
      ChannelNode n = core.slotNode();
      // Published: the waiter is in the slot (moved back by the settle if the freeze queued it).
      // Not published: the slot is open and empty again, and the waiter retries or locks.
      r.r2 = r.r1 ? n == receiver && core.isEmpty(ChannelCore.RECEIVERS) : n == null;
    }
  }

  /**
   * The whole hand-over against a cancellation: a peer takes the receiver out of the slot,
   * writes the item and completes it, while the receiver gives up and withdraws itself from the
   * slot. The item reaches the receiver exactly when the peer's completion won.
   */
  @JCStressTest
  @Outcome(id = "true, false, true", expect = ACCEPTABLE, desc = "handed over; the owner has it")
  @Outcome(id = "false, true, true", expect = ACCEPTABLE, desc = "cancelled; the peer keeps it")
  @State
  public static class HandOverVersusCancel {
    final ChannelCore core = new ChannelCore(1, true);
    final ChannelWaiter receiver = new ChannelWaiter(null);

    {
      core.publish(receiver);
    }

    @Actor
    public void peer(ZZZ_Result r) {
      ChannelNode s = core.slotNode();
      if (s != null && core.take(s)) {
        s.value = "item";
        r.r1 = s.waiter().complete(s);
      }
    }

    @Actor
    public void owner(ZZZ_Result r) {
      boolean cancelled = receiver.cancel();
      r.r2 = cancelled;
      if (cancelled) {
        core.take(receiver); // withdraw, unless the peer already took it out
        r.r3 = true;
      } else {
        ChannelNode won = receiver.winner();
        r.r3 = won == receiver && "item".equals(won.value);
      }
    }

    @Arbiter
    public void slot(ZZZ_Result r) {
      r.r3 &= core.slotNode() == null;
    }
  }
}
