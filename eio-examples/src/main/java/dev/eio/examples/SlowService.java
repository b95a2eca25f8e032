package dev.eio.examples;

import dev.eio.*;
import java.time.Duration;
import java.util.Optional;

/**
 * The README's "Synchronization and time" example: a semaphore, a lazy value, a mutex and
 * timeouts, run on a virtual clock so its hours of waiting take milliseconds.
 */
public final class SlowService {
  private SlowService() {}

  static String call(Clock clock, Semaphore slots, Lazy<String> token) {
    slots.acquire();                          // at most 2 calls in flight
    try {
      clock.sleep(Duration.ofMinutes(90));    // the slow remote service
      return "reply for " + token.get();      // token computed once, shared
    } finally {
      slots.release();
    }
  }

  public static void main(String[] args) {
    VirtualClock.run(env -> {                 // Eio.run(...) for the real clock
      Clock clock = env.clock();
      Semaphore slots = new Semaphore(2);
      Lazy<String> token = Lazy.of(() -> "t-42");
      Mutex m = new Mutex();
      int[] timeouts = {0};
      Fiber.forEach(java.util.List.of(1, 2, 3), 3, i -> {
        Optional<String> r = Time.withTimeout(clock, Duration.ofHours(2),
            () -> call(clock, slots, token));
        if (r.isEmpty()) m.useRw(false, () -> timeouts[0]++);
      });
      // Two calls took 90 min, the third waited for a slot and was cut at 2 h.
      System.out.println(timeouts[0] + " timeout(s) at " + clock.now());
    });                                       // prints "1 timeout(s) at 1970-01-01T02:00:00Z"
  }
}
