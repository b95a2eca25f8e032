package dev.eio.internal.cluster.core;

import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The eio tasks running in this JVM, by id, so that a caller that cancelled one can wait for it to
 * stop ({@link AwaitStop}). Hazelcast's {@code cancel(true)} only interrupts the task's thread and
 * returns; {@code Parallel} promises more: the call returns once the remote work has stopped.
 *
 * <p>A cancel can overtake its task (still queued on the member): then the waiter leaves a
 * tombstone, and the task, when it arrives, sees it and does not run.
 */
final class RunningTasks {
  private static final long TOMBSTONE_TTL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int PURGE_ABOVE = 1024;

  /** A running task's latch, or a tombstone's creation time (a Long). */
  private static final Map<UUID, Object> TASKS = new ConcurrentHashMap<>();

  private RunningTasks() {}

  /** Registers task {@code id} as running; false when a cancel got here first. */
  static boolean start(UUID id, CountDownLatch done) {
    Object prev = TASKS.putIfAbsent(id, done);
    if (prev != null) {
      TASKS.remove(id, prev);
      return false;
    }
    return true;
  }

  /** Task {@code id} has stopped. */
  static void finish(UUID id, CountDownLatch done) {
    TASKS.remove(id, done);
    done.countDown();
  }

  /**
   * Waits up to {@code timeoutMillis} for task {@code id} to stop; true when it has stopped or will
   * never run.
   */
  static boolean awaitStopped(UUID id, long timeoutMillis) throws InterruptedException {
    purgeOldTombstones();
    Object prev = TASKS.putIfAbsent(id, System.nanoTime());
    if (prev instanceof CountDownLatch done) {
      return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** Tombstones of tasks that had already finished are never claimed: drop them after a while. */
  private static void purgeOldTombstones() {
    if (TASKS.size() <= PURGE_ABOVE) {
      return;
    }
    long now = System.nanoTime();
    for (Iterator<Object> it = TASKS.values().iterator(); it.hasNext(); ) {
      if (it.next() instanceof Long born && now - born > TOMBSTONE_TTL_NANOS) {
        it.remove();
      }
    }
  }

  static int size() {
    return TASKS.size();
  }
}
