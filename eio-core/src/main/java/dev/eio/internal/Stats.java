package dev.eio.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters of what eio does, read by the metrics binder. Striped adders, touched
 * only from long-lived threads or on failure paths: a fresh virtual thread's first touch of a
 * striped counter seeds its random probe, which is not cheap. Live fibers are counted by walking
 * the live tree instead ({@link #liveFibers()}), when a registry asks.
 */
public final class Stats {
  private Stats() {}

  /** The fibers running now, counted over every run's context tree. */
  public static long liveFibers() {
    long n = 0;
    for (CancelContext root : CancelContext.ROOTS) {
      n += count(root);
    }
    return n;
  }

  private static long count(CancelContext ctx) {
    long n = ctx.fibers().size();
    for (CancelContext c : ctx.children()) {
      n += count(c);
    }
    return n;
  }

  public static final LongAdder FIBERS_STARTED = new LongAdder();
  public static final LongAdder FIBERS_FAILED = new LongAdder();
  public static final LongAdder SWITCHES_OPENED = new LongAdder();
  public static final LongAdder SWITCHES_CLOSED = new LongAdder();
  public static final LongAdder CANCELLATIONS = new LongAdder();
}
