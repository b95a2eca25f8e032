package dev.eio.test;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.internal.CancelContext;
import dev.eio.internal.FiberState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The leak check's view of a fiber that was forked but has not started yet when the method
 * returns (its thread not scheduled, as on a loaded machine): it must be waited for, not missed.
 */
class FiberTrackerTest {
  @Test
  void aForkedFiberThatHasNotStartedYetIsWaitedFor() throws Exception {
    CancelContext sw = CancelContext.root("tracker test");
    try {
      FiberTracker tracker = new FiberTracker(null, sw);
      Thread late = Thread.ofVirtual().unstarted(() -> {});
      FiberState fiber = FiberState.create(late, sw, null);
      tracker.starting(late); // forked: the forking thread tells the monitor before start
      Thread checker = Thread.currentThread();
      AtomicBoolean returned = new AtomicBoolean();
      AtomicBoolean startedFirst = new AtomicBoolean();
      Thread fiberSide =
          Thread.ofPlatform()
              .start(
                  () -> {
                    // The fiber gets to run only once the check is waiting (or has given up).
                    while (!returned.get() && checker.getState() != Thread.State.TIMED_WAITING) {
                      Thread.onSpinWait();
                    }
                    startedFirst.set(!returned.get());
                    tracker.started(fiber);
                    tracker.ended(fiber);
                  });
      List<FiberState> left = tracker.awaitEnd(Duration.ofSeconds(30));
      returned.set(true);
      fiberSide.join();
      assertTrue(startedFirst.get(), "the check returned before the forked fiber had started");
      assertEquals(List.of(), left);
    } finally {
      sw.closeRoot();
    }
  }
}
