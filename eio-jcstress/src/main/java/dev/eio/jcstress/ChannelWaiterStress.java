package dev.eio.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.eio.internal.channel.ChannelNode;
import dev.eio.internal.channel.ChannelWaiter;
import dev.eio.internal.channel.SelectNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZI_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

/**
 * The one lock-free cell of {@code Channel}: a blocked fiber's {@link ChannelWaiter} is claimed
 * exactly once, by a peer completing one of its nodes or by its owner giving up, and the owner
 * that finds itself completed sees the value the peer wrote before claiming.
 */
public final class ChannelWaiterStress {
  private ChannelWaiterStress() {}

  /**
   * A peer completing a plain send's or receive's waiter (its own node) races the owner
   * cancelling (Eio issue 356 in miniature).
   */
  @JCStressTest
  @Outcome(
      id = "true, false, true",
      expect = ACCEPTABLE,
      desc = "the peer won; the owner sees itself completed, with the item")
  @Outcome(
      id = "false, true, false",
      expect = ACCEPTABLE,
      desc = "the owner cancelled first; the peer's completion failed, the item stays with it")
  @State
  public static class CompleteVersusCancel {
    final ChannelWaiter waiter = new ChannelWaiter(null);
    final ChannelNode node = waiter;

    @Actor
    public void peer(ZZZ_Result r) {
      node.value = "item";
      r.r1 = waiter.complete(node);
    }

    @Actor
    public void owner(ZZZ_Result r) {
      boolean cancelled = waiter.cancel();
      r.r2 = cancelled;
      if (!cancelled) {
        ChannelNode won = waiter.winner();
        r.r3 = won == node && "item".equals(won.value);
      }
    }
  }

  /**
   * A select waiter registered on two channels, completed by a peer on each at once: exactly one
   * completion wins and the waiter names that peer's node. (Two actors, so it runs on 2 CPUs.)
   */
  @JCStressTest
  @Outcome(id = "true, false, 0", expect = ACCEPTABLE, desc = "the peer on channel a won")
  @Outcome(id = "false, true, 1", expect = ACCEPTABLE, desc = "the peer on channel b won")
  @State
  public static class TwoPeers {
    final ChannelWaiter waiter = new ChannelWaiter();
    final ChannelNode onA = new SelectNode(waiter, 0, null);
    final ChannelNode onB = new SelectNode(waiter, 1, null);

    @Actor
    public void peerA(ZZI_Result r) {
      onA.value = "a";
      r.r1 = waiter.complete(onA);
    }

    @Actor
    public void peerB(ZZI_Result r) {
      onB.value = "b";
      r.r2 = waiter.complete(onB);
    }

    @Arbiter
    public void winner(ZZI_Result r) {
      ChannelNode won = waiter.winner();
      r.r3 = won == null ? -1 : won.clause();
    }
  }

  /**
   * A peer completes the waiter and wakes it while the owner, done spinning, prepares to park:
   * the owner either sees the completion before parking or is unparked, never neither (a lost
   * wake-up would leave it parked forever).
   */
  @JCStressTest
  @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "the owner saw the completion, no unpark")
  @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "the owner will park and is unparked")
  @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both saw each other; a spare unpark")
  @State
  public static class CompleteVersusPark {
    final ChannelWaiter waiter = new ChannelWaiter();
    final ChannelNode node = new SelectNode(waiter, 0, null);

    @Actor
    public void peer(ZZ_Result r) {
      node.value = "item";
      waiter.complete(node);
      r.r2 = waiter.wake();
    }

    @Actor
    public void owner(ZZ_Result r) {
      waiter.prepareToPark();
      r.r1 = waiter.winner() == node;
    }
  }
}
