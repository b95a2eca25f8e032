package dev.eio;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Fast-polling waits for the conformance tests, which wait for a fiber to park many times. */
final class Waits {
  private Waits() {}

  /** Waits, polling every millisecond for up to 10 s, until {@code condition} holds. */
  static void until(Callable<Boolean> condition) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(10))
        .until(condition);
  }

  /** Waits until the thread {@code t} holds (once set) is parked. */
  static void parked(AtomicReference<Thread> t) {
    until(() -> t.get() != null && t.get().getState() == Thread.State.WAITING);
  }
}
