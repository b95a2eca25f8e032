package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/semaphore.md, case by case (all three cases). Eio checks a trace under its mock
 * scheduler; fibers run in parallel here, so each case checks what the trace shows instead.
 */
@Timeout(30)
class EioSemaphoreConformanceTest {

  /** semaphore.md, "Simple case". */
  @Test
  void acquireAndReleaseInSequence() {
    Semaphore t = new Semaphore(1);
    t.acquire();
    assertEquals(0, t.available());
    t.release();
    t.acquire();
    t.release();
    assertEquals(1, t.available());
  }

  /** semaphore.md, "Concurrent access to the semaphore": two of four at a time, all finish. */
  @Test
  void concurrentAccessNeverExceedsThePermits() {
    Semaphore t = new Semaphore(2);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Task> fns = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fns.add(
          () -> {
            t.acquire();
            most.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Fiber.yield();
            holders.decrementAndGet();
            t.release();
          });
    }
    Fiber.all(fns);
    assertTrue(most.get() <= 2, "held at once: " + most.get());
    assertEquals(2, t.available());
  }

  /** semaphore.md, "Cancellation": a cancelled acquire takes no permit. */
  @Test
  void aCancelledAcquireTakesNoPermit() {
    Semaphore t = new Semaphore(0);
    Fiber.first(
        () -> {
          t.acquire();
          return "acquired";
        },
        () -> "other");
    t.release();
    t.acquire();
    assertEquals(0, t.available());
  }
}
