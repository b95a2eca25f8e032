package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Task;
import dev.eio.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decodes cancelled by timeouts at random moments, several at once: each ends with its whole value
 * or with {@link Cancelled}, never with {@link CodecException} or another exception, and a decode
 * that was not cancelled is complete. Raise {@code -Deio.stress.iterations} for a longer run.
 */
@Timeout(120)
class DecodeCancelStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 40);
  private static final int KEYS = 800;

  @Test
  void aDecodeCancelledAtAnyMomentEndsWithCancelledOrItsWholeValue() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    SerializationCodec codec = SerializationCodec.defaults();
    byte[] slow = codec.encode(HostilePayloads.collidingKeys(KEYS));
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    List<String> wrong = new ArrayList<>();
    Eio.run(
        env -> {
          for (int i = 0; i < ITERATIONS; i++) {
            List<Task> decodes = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
              Duration timeout = Duration.ofNanos(rnd.nextLong(100_000_000));
              decodes.add(
                  () -> {
                    Optional<Object> v;
                    try {
                      v = Time.withTimeout(env.clock(), timeout, () -> codec.decode(slow, null));
                    } catch (RuntimeException e) {
                      synchronized (wrong) {
                        wrong.add(e.toString());
                      }
                      return;
                    }
                    if (v.isEmpty()) {
                      cancelled.incrementAndGet();
                    } else if (((Map<?, ?>) v.get()).size() == KEYS) {
                      finished.incrementAndGet();
                    } else {
                      synchronized (wrong) {
                        wrong.add("incomplete value of " + ((Map<?, ?>) v.get()).size());
                      }
                    }
                  });
            }
            Fiber.all(decodes);
          }
        });
    assertTrue(
        wrong.isEmpty(), "seed " + seed + ": " + wrong.size() + " wrong outcomes, first " + wrong);
    assertEquals(ITERATIONS * 4, finished.get() + cancelled.get(), "seed " + seed);
    System.out.println(
        "DecodeCancelStressTest seed " + seed + ": " + finished + " finished, " + cancelled + " cancelled");
  }
}
