package dev.eio.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** A fiber's age, kept as an int in units of 2^20 ns (ADR 33): right to one unit at any age. */
class FiberAgeTest {
  private static final long UNIT = 1L << 20;

  @Test
  void anAgeIsRightToOneUnitFromMillisecondsToWeeks() {
    CancelContext ctx = CancelContext.root("age test");
    FiberState f = FiberState.create(Thread.currentThread(), ctx, null);
    long before = System.nanoTime();
    f.attach();
    long after = System.nanoTime();
    try {
      // Past the int range of nanoseconds and of microseconds: only the unit's range holds.
      for (long age : new long[] {0, 3_000_000L, 5_000_000_000L, 3_600_000_000_000L, 14 * 86_400_000_000_000L}) {
        long seen = f.ageNanos(after + age);
        assertTrue(seen >= age - UNIT, age + " read as " + seen);
        assertTrue(seen <= age + (after - before) + UNIT, age + " read as " + seen);
      }
    } finally {
      f.detach();
      ctx.closeRoot();
    }
  }
}
