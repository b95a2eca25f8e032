package dev.eio.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters of what eio does, read by the metrics binder. Striped adders: counting
 * costs a fork a few nanoseconds and no contention.
 */
public final class Stats {
  private Stats() {}

  public static final LongAdder FIBERS_STARTED = new LongAdder();
  public static final LongAdder FIBERS_ENDED = new LongAdder();
  public static final LongAdder FIBERS_FAILED = new LongAdder();
  public static final LongAdder SWITCHES_OPENED = new LongAdder();
  public static final LongAdder SWITCHES_CLOSED = new LongAdder();
  public static final LongAdder CANCELLATIONS = new LongAdder();
}
