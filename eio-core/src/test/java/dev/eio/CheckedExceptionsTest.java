package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checked exceptions and the everyday ways user code wraps an interrupt must not break timeouts
 * and cancellation (issue "conformance", section 2).
 */
@Timeout(60)
class CheckedExceptionsTest {
  private static final Duration SHORT = Duration.ofMillis(50);

  /** What a new user writes around a JDK call that throws InterruptedException. */
  private static String sleepWrapping() {
    try {
      Thread.sleep(60_000);
      return "slept";
    } catch (InterruptedException e) {
      throw new RuntimeException(e);
    }
  }

  private static String sleepWrappingAndReinterrupting() {
    try {
      Thread.sleep(60_000);
      return "slept";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("wrapped twice", new RuntimeException(e));
    }
  }

  private static String sleepSwallowing() {
    try {
      Thread.sleep(60_000);
      return "slept";
    } catch (InterruptedException e) {
      return "returned after its limit";
    }
  }

  @Test
  void aTimeoutIsATimeoutWhenTheBodyWrapsTheInterrupt() {
    Eio.run(
        env -> {
          assertEquals(
              Optional.empty(), Time.withTimeout(env.clock(), SHORT, () -> sleepWrapping()));
          assertEquals(
              Optional.empty(),
              Time.withTimeout(env.clock(), SHORT, () -> sleepWrappingAndReinterrupting()));
          assertThrows(
              dev.eio.Timeout.class,
              () ->
                  Time.withTimeoutOrThrow(
                      env.clock(),
                      SHORT,
                      () -> {
                        try {
                          Thread.sleep(60_000);
                          return "read";
                        } catch (InterruptedException e) {
                          throw new UncheckedIOException(
                              new InterruptedIOException("read interrupted"));
                        }
                      }));
        });
  }

  @Test
  void anIoFailureWrappingAnInterruptedIoIsATimeoutOnlyOnceCancelled() {
    // Not cancelled: the same exception is a real failure, rethrown as itself.
    UncheckedIOException real = new UncheckedIOException(new InterruptedIOException("x"));
    UncheckedIOException thrown =
        assertThrows(
            UncheckedIOException.class,
            () ->
                Time.withTimeout(
                    Duration.ofMinutes(1),
                    () -> {
                      throw real;
                    }));
    assertSame(real, thrown);
  }

  @Test
  void aBodyThatSwallowsTheInterruptStillTimesOut() {
    Eio.run(
        env -> {
          assertEquals(
              Optional.empty(), Time.withTimeout(env.clock(), SHORT, () -> sleepSwallowing()));
          assertThrows(
              dev.eio.Timeout.class,
              () -> Time.withTimeoutOrThrow(env.clock(), SHORT, () -> sleepSwallowing()));
          assertFalse(
              Time.withTimeout(
                  env.clock(),
                  SHORT,
                  () -> {
                    sleepSwallowing();
                  }));
        });
  }

  @Test
  void aBodyThatReturnsInTimeKeepsItsValue() {
    assertEquals(Optional.of("ok"), Time.withTimeout(Duration.ofMinutes(1), () -> "ok"));
  }

  @Test
  void theFormsWithoutAClockUseTheProgramsClock() {
    VirtualClock.run(
        env -> {
          assertSame(env.clock(), Time.clock());
          // 10 virtual seconds against a 5 s limit: only virtual time can make this instant.
          assertEquals(
              Optional.empty(),
              Time.withTimeout(
                  Duration.ofSeconds(5),
                  () -> {
                    env.clock().sleep(Duration.ofSeconds(10));
                    return "late";
                  }));
          Switch.run(sw -> sw.fork(() -> assertSame(env.clock(), Time.clock())));
        });
    Eio.run(env -> assertSame(env.clock(), Time.clock()));
    assertSame(dev.eio.internal.SystemClock.INSTANCE, Time.clock());
  }

  @Test
  void aWrappedInterruptInACancelledSwitchCountsAsItsCancellation() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(() -> sleepWrapping());
                      sw.fork(
                          () -> {
                            Fiber.yield();
                            throw boom;
                          });
                    }));
    assertSame(boom, thrown);
    assertEquals(0, thrown.getSuppressed().length, "the wrapped interrupt counted as a failure");
  }

  @Test
  void aWrappedInterruptInACancelledPromiseIsCancelled() {
    AtomicReference<Promise<String>> p = new AtomicReference<>();
    Cancel.sub(
        ctx ->
            Switch.run(
                sw -> {
                  p.set(sw.forkPromise(() -> sleepWrapping()));
                  Fiber.yield();
                  ctx.cancel(new RuntimeException("stop"));
                }));
    assertThrows(Cancelled.class, () -> p.get().await());
  }

  @Test
  void aWrappedInterruptOutsideACancellationIsARealFailure() {
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw ->
                        sw.fork(
                            () -> {
                              throw new RuntimeException(new InterruptedException("own"));
                            })));
    assertFalse(thrown instanceof Cancelled);
  }

  @Test
  void combinatorsTakeFunctionsThatThrowCheckedExceptions() {
    IOException io = new IOException("disk");
    IOException caught =
        assertThrows(
            IOException.class,
            () ->
                WrappedCheckedException.unwrap(
                    IOException.class,
                    () ->
                        Fiber.map(
                            List.of(1, 2),
                            2,
                            x -> {
                              if (x == 2) {
                                throw io;
                              }
                              return x;
                            })));
    assertSame(io, caught);
    WrappedCheckedException w =
        assertThrows(
            WrappedCheckedException.class,
            () ->
                Fiber.forEach(
                    List.of(1),
                    1,
                    x -> {
                      throw io;
                    }));
    assertThrows(IOException.class, () -> w.rethrowIf(IOException.class));
    assertDoesNotThrow(() -> w.rethrowIf(java.util.concurrent.TimeoutException.class));
    assertEquals(
        List.of(2),
        Fiber.filter(
            List.of(1, 2),
            2,
            x -> {
              if (x > 5) {
                throw new IOException("never");
              }
              return x % 2 == 0;
            }));
  }

  @Test
  void parallelOperationsTakeFunctionsThatThrowCheckedExceptions() {
    IOException io = new IOException("disk");
    Eio.run(
        env -> {
          dev.eio.parallel.ItemFailedException e =
              assertThrows(
                  dev.eio.parallel.ItemFailedException.class,
                  () ->
                      dev.eio.parallel.Parallel.map(
                          env.domains(),
                          List.of(1, 2, 3),
                          x -> {
                            if (x == 2) {
                              throw io;
                            }
                            return x;
                          }));
          assertSame(io, e.getCause());
          assertEquals(1, e.index());
          assertEquals(
              6,
              dev.eio.parallel.Parallel.fold(
                  env.domains(),
                  List.of(1, 2, 3),
                  0,
                  (acc, x) -> {
                    if (x > 5) {
                      throw new IOException("never");
                    }
                    return acc + x;
                  },
                  Integer::sum));
        });
  }
}
