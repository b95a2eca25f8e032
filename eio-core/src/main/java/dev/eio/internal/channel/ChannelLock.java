package dev.eio.internal.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutual exclusion lock of one channel: a test-and-test-and-set lock that spins briefly and
 * then yields, never parks. Callers must never wait for a lock while holding another (see {@link
 * #tryLock} and {@link #awaitFree}), and must not block while holding one.
 *
 * <p>Why not {@code ReentrantLock}: a channel's critical sections are a few dozen instructions
 * with no blocking call in them, so the holder is running on another carrier and releases within
 * nanoseconds; a queued lock parks the contending fiber instead, and unmounting plus re-mounting
 * a virtual thread costs a hundred times the critical section. Yielding after the spin budget
 * covers a holder whose carrier thread the operating system descheduled. The rule above keeps
 * that argument true: a holder that waited for a second lock would sit unmounted in the
 * scheduler's queue while the fibers spinning for its lock keep yielding ahead of it.
 *
 * <p>Not reentrant. Acquisition has acquire semantics, release has release semantics, so state
 * written under the lock is visible to the next holder. {@link ChannelCore} extends it so that the
 * lock and the state it guards share one object.
 */
public class ChannelLock {
  private static final VarHandle HELD;
  private static final int SPINS = 64;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(ChannelLock.class, "held", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused")
  private volatile int held;

  /** Acquires the lock, spinning and then yielding while another thread holds it. */
  public final void lock() {
    while (!HELD.compareAndSet(this, 0, 1)) {
      awaitFree();
    }
  }

  /** Acquires the lock if it is free, without waiting. */
  public final boolean tryLock() {
    return HELD.compareAndSet(this, 0, 1);
  }

  /** Waits (spinning, then yielding) until the lock looks free, without acquiring it. */
  public final void awaitFree() {
    for (int spins = 0; held != 0; spins++) {
      if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  /** Releases the lock; only its holder may call this. */
  public final void unlock() {
    HELD.setRelease(this, 0);
  }
}
