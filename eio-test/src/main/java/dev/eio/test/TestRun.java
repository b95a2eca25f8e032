package dev.eio.test;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.VirtualClock;
import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.AssertionFailedError;

/**
 * One test method's run under eio: the run itself (system or virtual clock), the test's switch,
 * the check for fibers left behind, and the real-time limit.
 */
final class TestRun {
  /** The test method, called with the run's capabilities. */
  interface Body {
    void run(Env env, Switch sw) throws Exception;
  }

  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int TIMED_OUT = 2;

  private final String testName;
  private final boolean virtualTime;
  private final Duration limit;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch interruptSent = new CountDownLatch(1);
  private volatile String dumpAtLimit;

  TestRun(String testName, boolean virtualTime, Duration limit) {
    this.testName = testName;
    this.virtualTime = virtualTime;
    this.limit = limit;
  }

  void run(Body body) throws Throwable {
    Thread testThread = Thread.currentThread();
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("eio-test-limit " + testName)
            .start(() -> watch(testThread));
    Throwable failure = null;
    try {
      Eio.Action program = env -> Switch.run("test", sw -> inSwitch(body, env, sw));
      if (virtualTime) {
        VirtualClock.run(program);
      } else {
        Eio.run(program);
      }
    } catch (Throwable t) {
      failure = t;
    }
    boolean timedOut = !state.compareAndSet(RUNNING, DONE);
    finished.countDown();
    if (timedOut) {
      // The watchdog's interrupt may land during this wait (found by TestRunLimitStressTest):
      // wait it out, then clear it; it was meant for the run, not for JUnit's next test.
      while (true) {
        try {
          interruptSent.await();
          break;
        } catch (InterruptedException sent) {
          // the watchdog's own: keep waiting until it says it is done
        }
      }
      Thread.interrupted();
      AssertionFailedError e =
          new AssertionFailedError(
              testName
                  + " still ran after its limit of "
                  + limit
                  + " (real time) and was cancelled; every fiber then:\n"
                  + dumpAtLimit);
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    watchdog.join();
    if (failure != null) {
      throw failure;
    }
  }

  private void watch(Thread testThread) {
    try {
      if (finished.await(limit.toNanos(), TimeUnit.NANOSECONDS)
          || !state.compareAndSet(RUNNING, TIMED_OUT)) {
        return;
      }
    } catch (InterruptedException e) {
      return;
    }
    try {
      String dump = Eio.dump();
      dumpAtLimit = dump;
      System.err.println(
          "eio-test: " + testName + " still runs after its limit of " + limit + "; every fiber:");
      System.err.print(dump);
      System.err.flush();
      // The test thread runs the program's root: its interrupt cancels the whole run.
      testThread.interrupt();
    } finally {
      interruptSent.countDown();
    }
  }

  private void inSwitch(Body body, Env env, Switch sw) throws Exception {
    FiberState self = FiberState.current();
    FiberMonitor previous = self.monitor();
    FiberTracker tracker = new FiberTracker(previous, self.ctx());
    self.setMonitor(tracker);
    try {
      body.run(env, sw);
    } finally {
      self.setMonitor(previous);
    }
    List<FiberState> left;
    if (virtualTime) {
      ((VirtualClock) env.clock()).runUntilIdle();
      left = tracker.running();
    } else {
      left = tracker.awaitEnd(Duration.ofSeconds(EioTestExtension.LEAK_GRACE_SECONDS));
    }
    if (!left.isEmpty()) {
      // Thrown in the switch: it fails, which cancels the fibers left behind.
      throw new AssertionFailedError(FiberTracker.describe(testName, left, virtualTime));
    }
  }
}
