package dev.eio.internal.actor;

import java.util.concurrent.atomic.LongAdder;

/** The process-wide count of messages that reached no actor (see {@code Actors.deadLetters}). */
public final class DeadLetters {
  private static final LongAdder COUNT = new LongAdder();

  private DeadLetters() {}

  /** Counts {@code n} dead letters. */
  public static void add(long n) {
    if (n > 0) {
      COUNT.add(n);
    }
  }

  /** The count so far. */
  public static long count() {
    return COUNT.sum();
  }
}
