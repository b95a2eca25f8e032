package dev.eio.internal;

import dev.eio.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** The real clock: {@link Instant#now()}, {@link System#nanoTime()}, parking sleeps. */
public final class SystemClock implements Clock {
  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(Duration duration) {
    if (duration == null) {
      throw new NullPointerException("duration");
    }
    sleepNanos(saturatedNanos(duration));
  }

  @Override
  public void sleepUntil(Instant deadline) {
    if (deadline == null) {
      throw new NullPointerException("deadline");
    }
    // Measured once against the wall clock, then slept on the monotonic one, so a clock change
    // during the sleep does not stretch or cut it.
    sleepNanos(saturatedNanos(Duration.between(Instant.now(), deadline)));
  }

  private void sleepNanos(long nanos) {
    Interrupts.check();
    if (nanos <= 0) {
      return;
    }
    long deadline = System.nanoTime() + nanos;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw Interrupts.cancelledByInterrupt(null);
      }
    }
  }

  /** {@code d} in nanoseconds, clamped to the {@code long} range instead of overflowing. */
  public static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "SystemClock";
  }
}
