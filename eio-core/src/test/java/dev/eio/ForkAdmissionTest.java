package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forked fiber is in its switch's context from its admission on the forking thread, before its
 * thread starts (ADR 39). These tests cancel the switch exactly in that window, between the
 * admission and {@code Thread.start}, where the fork tells the run's {@link FiberMonitor} that the
 * thread is starting: the fiber must still see the cancellation at its first blocking call, from
 * a cancel on the forking thread itself or from another fiber. A lost cancellation would leave
 * the fiber blocked for good; the timeout bounds that (on a thread of its own: a switch waiting
 * for its fibers ignores the interrupt of a timeout on its own thread).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForkAdmissionTest {
  /** A failure raised on purpose. */
  static final class Boom extends RuntimeException {
    Boom() {
      super("boom", null, true, false);
    }
  }

  /** Calls {@code onStarting} on the forking thread, between a fork's admission and its start. */
  private record Starting(Runnable onStarting) implements FiberMonitor {
    @Override
    public void starting(Thread thread) {
      onStarting.run();
    }

    @Override
    public void started(FiberState f) {}

    @Override
    public void ended(FiberState f) {}
  }

  /** A task that counts its run, blocks in way {@code kind}, and counts how it saw the cancel. */
  private static Task blocked(int kind, AtomicInteger ran, AtomicInteger cancelled) {
    return () -> {
      ran.incrementAndGet();
      try {
        Blocking.untilCancelled(kind);
      } catch (Cancelled | InterruptedException e) {
        cancelled.incrementAndGet();
        throw e;
      }
    };
  }

  /** Runs {@code body} in a new switch, which must fail with {@code boom}. */
  private static void runFailingWith(Boom boom, Switch.Action body) {
    assertSame(boom, assertThrows(Boom.class, () -> Switch.run(body)));
  }

  @Test
  void aCancellationOnTheForkingThreadBetweenAdmissionAndStartReachesTheFiber() {
    for (int kind = 0; kind < Blocking.KINDS; kind++) {
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger cancelled = new AtomicInteger();
      Boom boom = new Boom();
      Task task = blocked(kind, ran, cancelled);
      runFailingWith(
          boom,
          sw -> {
            FiberState.current().setMonitor(new Starting(() -> sw.fail(boom)));
            sw.fork(task);
          });
      // A fork the switch accepted runs its task, which sees the cancellation when it blocks.
      assertEquals(1, ran.get(), "kind " + kind);
      assertEquals(1, cancelled.get(), "kind " + kind);
    }
  }

  /**
   * Another fiber cancels while the forking thread is held between the admission and the start
   * of a fork: the cancellation walks a member whose thread has not started.
   */
  @Test
  void aCancellationFromAnotherFiberWhileAForkIsAdmittedButNotStartedReachesIt() {
    int forks = 8;
    for (int kind = 0; kind < Blocking.KINDS; kind++) {
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger cancelled = new AtomicInteger();
      AtomicInteger starting = new AtomicInteger();
      CountDownLatch admitted = new CountDownLatch(1);
      CountDownLatch cancelledNow = new CountDownLatch(1);
      Boom boom = new Boom();
      Task task = blocked(kind, ran, cancelled);
      Runnable holdTheLast =
          () -> {
            if (starting.incrementAndGet() == forks) {
              admitted.countDown();
              awaitUninterruptibly(cancelledNow);
            }
          };
      runFailingWith(
          boom,
          sw -> {
            sw.fork(
                () -> {
                  admitted.await();
                  sw.fail(boom);
                  cancelledNow.countDown();
                });
            FiberState.current().setMonitor(new Starting(holdTheLast));
            for (int i = 0; i < forks; i++) {
              sw.fork(task);
            }
          });
      assertEquals(forks, ran.get(), "kind " + kind);
      assertEquals(forks, cancelled.get(), "kind " + kind);
    }
  }

  /**
   * Waits on the forking thread, which the cancellation interrupts too (it is the switch's own
   * fiber); its interrupt status is set again after.
   */
  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (true) {
        try {
          assertTrue(
              latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS),
              "the cancelling fiber did not cancel");
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
