package dev.eio.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One platform daemon thread that runs short actions at a time on the system clock, such as
 * cancelling a body whose time limit ran out.
 *
 * <p>Why not a sleeping fiber: a fiber woken by a timer is queued as an external task of the
 * virtual-thread scheduler, and on JDK 25 with a single carrier the scheduler runs external tasks
 * only once its own queue is empty, which fibers that keep each other busy (a channel ping-pong)
 * never let happen: the timeout never fired. An action run on this thread cancels them directly.
 * Actions must be short and must not block: they share the thread.
 */
public final class Timers {
  private Timers() {}

  private static final ScheduledThreadPoolExecutor EXECUTOR = create();

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("eio-timer").unstarted(r));
    // Most timers are cancelled (the body finished first): drop them at once rather than keep
    // them queued until their time.
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  /** Runs {@code action} on the timer thread after {@code nanos}; cancel the result to drop it. */
  public static ScheduledFuture<?> schedule(Runnable action, long nanos) {
    return EXECUTOR.schedule(action, Math.max(0L, nanos), TimeUnit.NANOSECONDS);
  }
}
