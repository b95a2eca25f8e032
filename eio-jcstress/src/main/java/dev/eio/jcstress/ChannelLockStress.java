package dev.eio.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.eio.internal.channel.ChannelLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * {@link ChannelLock}, the spin-then-yield lock guarding a channel's state: mutual exclusion, and
 * what one holder wrote is what the next holder reads.
 */
public final class ChannelLockStress {
  private ChannelLockStress() {}

  /** Two holders each increment a plain field: neither increment is lost. */
  @JCStressTest
  @Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments happened, one after the other")
  @State
  public static class MutualExclusion {
    final ChannelLock lock = new ChannelLock();
    int count;

    @Actor
    public void first() {
      lock.lock();
      try {
        count++;
      } finally {
        lock.unlock();
      }
    }

    @Actor
    public void second() {
      lock.lock();
      try {
        count++;
      } finally {
        lock.unlock();
      }
    }

    @Arbiter
    public void result(I_Result r) {
      r.r1 = count;
    }
  }

  /**
   * One holder writes two plain fields; a later holder sees both or neither, never one (the
   * release of the lock publishes everything written under it).
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the reader held the lock first")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the reader held it second and saw both writes")
  @State
  public static class PublishesWrites {
    final ChannelLock lock = new ChannelLock();
    int a;
    int b;

    @Actor
    public void writer() {
      lock.lock();
      try {
        a = 1;
        b = 1;
      } finally {
        lock.unlock();
      }
    }

    @Actor
    public void reader(II_Result r) {
      lock.lock();
      try {
        r.r1 = b;
        r.r2 = a;
      } finally {
        lock.unlock();
      }
    }
  }
}
