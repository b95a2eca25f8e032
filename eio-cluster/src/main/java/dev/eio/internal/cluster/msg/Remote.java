package dev.eio.internal.cluster.msg;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.Cancel;
import dev.eio.Fiber;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * How eio-cluster calls Hazelcast from a fiber. A blocking Hazelcast call that is interrupted loses
 * the value of its late reply (DESIGN.md section 7: an interrupted {@code IQueue.poll} drops the
 * item it took), so every call runs protected from cancellation, waits at most {@link
 * #POLL_MILLIS}, and the caller checks for cancellation between calls.
 */
public final class Remote {
  /** The longest a single Hazelcast call waits; also the worst added latency of a cancel. */
  public static final long POLL_MILLIS = 25;

  private Remote() {}

  /** Runs {@code call} where the fiber's cancellation cannot interrupt it. */
  public static <T> T call(Callable<T> call) {
    return Cancel.protect(call);
  }

  /** The id of this member or client, as it appears in membership events. */
  public static UUID self(HazelcastInstance hz) {
    return hz.getLocalEndpoint().getUuid();
  }

  /**
   * Checks a user-given name of a distributed object.
   *
   * @throws IllegalArgumentException naming {@code what} when {@code name} is blank or holds
   *     {@code '*'} (Hazelcast's configuration wildcard)
   */
  public static String checkName(String what, String name) {
    if (name == null) {
      throw new NullPointerException(what + " name");
    }
    if (name.isBlank() || name.indexOf('*') >= 0) {
      throw new IllegalArgumentException(
          what + " name must be non-blank and without '*', got '" + name + "'");
    }
    return name;
  }

  /**
   * Takes the head of {@code q}, looking with non-blocking polls and pausing between them (from
   * 0.5 ms, doubling up to {@link #POLL_MILLIS}), checking for cancellation in each pause. After each empty step {@code ended} says whether to stop: null to
   * wait on, else the exception to throw once one more look finds the queue empty (an item may
   * have come between the step and the event that ended the wait).
   */
  public static <T> T take(IQueue<T> q, Supplier<? extends RuntimeException> ended) {
    long pauseNanos = MIN_PAUSE_NANOS;
    while (true) {
      // A non-blocking poll, then a pause of our own: a blocking poll(timeout) whose queue's
      // partition was on a member that died could stay unanswered for minutes (seen in
      // ClusterGroupTest's lost-rank case under load), and a protected call cannot be abandoned.
      T item = call(q::poll);
      if (item != null) {
        return item;
      }
      RuntimeException e = ended.get();
      if (e != null) {
        item = call(q::poll);
        if (item == null) {
          throw e;
        }
        return item;
      }
      pauseNanos = pause(pauseNanos);
    }
  }

  /**
   * One pause of a polling loop: parks for {@code pauseNanos} (at once back when the fiber is
   * cancelled), checks for cancellation, and returns the next pause, doubled up to {@link
   * #POLL_MILLIS}. Start from {@link #MIN_PAUSE_NANOS}.
   */
  public static long pause(long pauseNanos) {
    LockSupport.parkNanos(pauseNanos);
    Fiber.check();
    return Math.min(2 * pauseNanos, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
  }

  /** The first pause of an empty {@link #take} or polling loop, doubling up to {@link #POLL_MILLIS}. */
  public static final long MIN_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
}
