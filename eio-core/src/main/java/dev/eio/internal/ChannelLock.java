package dev.eio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutual exclusion lock of one channel: a test-and-test-and-set lock that spins briefly and
 * then yields, never parks.
 *
 * <p>Why not {@code ReentrantLock}: a channel's critical sections are a few dozen instructions
 * with no blocking call in them, so the holder is always running and releases within
 * nanoseconds; a queued lock parks the contending fiber instead, and unmounting plus re-mounting
 * a virtual thread costs a hundred times the critical section. Yielding after the spin budget
 * covers a holder whose carrier thread the operating system descheduled.
 *
 * <p>Not reentrant. Lock acquisition has acquire semantics, release has release semantics, so
 * state written under the lock is visible to the next holder.
 */
public final class ChannelLock {
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
  public void lock() {
    if (!HELD.compareAndSet(this, 0, 1)) {
      contended();
    }
  }

  private void contended() {
    for (int spins = 0; ; spins++) {
      if (held == 0 && HELD.compareAndSet(this, 0, 1)) {
        return;
      }
      if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  /** Releases the lock; only its holder may call this. */
  public void unlock() {
    HELD.setRelease(this, 0);
  }
}
