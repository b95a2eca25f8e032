package dev.eio.rpc;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' {@link Tally}: deliberately not thread-safe (a plain field, read and written with a
 * pause between), with a detector of calls that overlap and a record of what ran.
 */
public final class PlainTally implements Tally {
  private int total;
  private final AtomicInteger inside = new AtomicInteger();
  /** How many times a call started while another was running. */
  final AtomicInteger overlaps = new AtomicInteger();
  /** Every call that reached a method. */
  final AtomicInteger calls = new AtomicInteger();
  /** How many {@link #hold} calls have started. */
  final AtomicInteger holds = new AtomicInteger();
  /** How many {@link #hold} calls have stopped (after their clean-up). */
  final AtomicInteger stops = new AtomicInteger();
  volatile CountDownLatch holding = new CountDownLatch(1);
  volatile CountDownLatch release = new CountDownLatch(1);
  /** {@link #work} calls by id: how many times each ran. */
  final Map<Long, Integer> ran = new ConcurrentHashMap<>();
  /** Ids whose caller has given up (the stress test fills it): such a call must never start. */
  final Set<Long> gaveUp = ConcurrentHashMap.newKeySet();
  final AtomicInteger ranAfterGivingUp = new AtomicInteger();
  /** The {@link #work} call running now, or -1. */
  volatile long current = -1;
  volatile Tally self;

  private void enter() {
    calls.incrementAndGet();
    if (inside.incrementAndGet() != 1) {
      overlaps.incrementAndGet();
    }
  }

  private void exit() {
    inside.decrementAndGet();
  }

  @Override
  public int add(int n) throws Negative {
    enter();
    try {
      if (n < 0) {
        throw new Negative(n);
      }
      int t = total;
      Thread.yield(); // lets an overlapping call in, if the server lets calls overlap
      total = t + n;
      return total;
    } finally {
      exit();
    }
  }

  @Override
  public int total() {
    enter();
    exit();
    return total;
  }

  @Override
  public String fail(String message) {
    enter();
    try {
      throw new IllegalStateException(message);
    } finally {
      exit();
    }
  }

  @Override
  public void hold() throws InterruptedException {
    enter();
    holds.incrementAndGet();
    try {
      holding.countDown();
      release.await();
    } finally {
      // Slow clean-up, deaf to interrupts: a caller that gave up must wait for it.
      long end = System.nanoTime() + 200_000_000L;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      stops.incrementAndGet();
      exit();
    }
  }

  @Override
  public long work(long id, int millis) throws InterruptedException {
    enter();
    current = id;
    try {
      if (gaveUp.contains(id)) {
        ranAfterGivingUp.incrementAndGet();
      }
      ran.merge(id, 1, Integer::sum);
      if (millis > 0) {
        Thread.sleep(millis);
      }
      return id;
    } finally {
      current = -1;
      exit();
    }
  }

  @Override
  public Object echo(Object value) {
    enter();
    exit();
    return value;
  }

  @Override
  public int callSelf() {
    enter();
    try {
      return self.total();
    } finally {
      exit();
    }
  }
}
