package dev.eio.test;

import dev.eio.internal.CancelContext;
import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import dev.eio.internal.UserFrames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the fibers of the test's switch that are still running: those that started directly in
 * the switch's context (daemons start in a context of their own, fibers of nested switches in
 * theirs, and those end before the method can return). It sits in front of the run's monitor (a
 * virtual clock's), which still sees every fiber.
 */
final class FiberTracker implements FiberMonitor {
  private final FiberMonitor next;
  private final CancelContext testSwitch;
  private final Set<FiberState> running = new LinkedHashSet<>(); // guarded by this
  // Forked but not yet started: a fiber registers on its own thread, which a loaded machine may
  // not have scheduled yet when the method returns (the check then saw nothing: caught by
  // EioTestPromisesTest under load).
  private final Set<Thread> pending = new HashSet<>(); // guarded by this

  FiberTracker(FiberMonitor next, CancelContext testSwitch) {
    this.next = next;
    this.testSwitch = testSwitch;
  }

  @Override
  public void starting(Thread thread) {
    synchronized (this) {
      pending.add(thread);
    }
    if (next != null) {
      next.starting(thread);
    }
  }

  @Override
  public void started(FiberState f) {
    synchronized (this) {
      pending.remove(f.thread());
      if (f.ctx() == testSwitch) {
        running.add(f);
      }
      notifyAll();
    }
    if (next != null) {
      next.started(f);
    }
  }

  @Override
  public void ended(FiberState f) {
    synchronized (this) {
      if (running.remove(f)) {
        notifyAll();
      }
    }
    if (next != null) {
      next.ended(f);
    }
  }

  /** The fibers still running now. */
  synchronized List<FiberState> running() {
    return new ArrayList<>(running);
  }

  /**
   * Waits up to {@code grace} for every forked fiber to have started and the running ones to
   * end; returns those still running.
   */
  synchronized List<FiberState> awaitEnd(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    long left;
    while ((!running.isEmpty() || !startedAll()) && (left = deadline - System.nanoTime()) > 0) {
      // A fiber that just started wakes this; poll too, for a thread whose start failed.
      wait(Math.max(1, Math.min(left / 1_000_000, 10)));
    }
    return new ArrayList<>(running);
  }

  /** Whether every forked fiber has registered (a thread that ended without it is dropped). */
  private boolean startedAll() {
    pending.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    return pending.isEmpty();
  }

  /** The failure message for fibers left running after the test method returned. */
  static String describe(String testName, List<FiberState> left, boolean virtualTime) {
    StringBuilder sb =
        new StringBuilder(testName)
            .append(" returned with ")
            .append(left.size())
            .append(left.size() == 1 ? " fiber" : " fibers")
            .append(" of its switch still running ")
            .append(
                virtualTime
                    ? "once every fiber was blocked"
                    : "after " + EioTestExtension.LEAK_GRACE_SECONDS + " s")
            .append(" (join what you fork, or fork it as a daemon); cancelled:");
    long now = System.nanoTime();
    left.sort(Comparator.comparingLong((FiberState f) -> f.ageNanos(now)).reversed()); // oldest first
    for (FiberState f : left) {
      Thread t = f.thread();
      sb.append("\n  fiber ").append(f.name()).append(": ");
      sb.append(
          switch (t.getState()) {
            case RUNNABLE, NEW -> "running";
            case TERMINATED -> "ending";
            default -> "blocked in " + UserFrames.describe(t.getStackTrace());
          });
    }
    return sb.toString();
  }
}
