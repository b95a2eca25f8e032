package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.io.BufWriter;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized runs of the races found by running Eio's own test suite against eio-java (issue
 * "conformance"): each run checks one outcome that the race used to break. Raise the number of
 * runs with {@code -Deio.stress.iterations=N} (the default keeps CI fast and still failed the
 * old code in every run).
 */
@Timeout(120)
class ConformanceBugsStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 15) * 10;


  /**
   * Forks {@code body} in a cancellable context of its own, published in {@code handle}; a
   * {@link Cancelled} escaping it goes to {@code onCancelled}.
   */
  private static void forkCancellable(
      Switch sw,
      AtomicReference<Cancel.Context> handle,
      Task body,
      java.util.function.Consumer<Cancelled> onCancelled) {
    sw.fork(
        () -> {
          try {
            Cancel.sub(
                ctx -> {
                  handle.set(ctx);
                  body.run();
                });
          } catch (Cancelled e) {
            onCancelled.accept(e);
          }
        });
  }

  /** Eio condition.md, "loop_no_mutex": the check runs again after any wake-up. */
  @Test
  void loopNoMutexRunsTheCheckAgainWhenCancelledRightAfterTheBroadcast() {
    int lost = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      Condition c = new Condition();
      AtomicInteger state = new AtomicInteger();
      AtomicReference<Object> outcome = new AtomicReference<>();
      AtomicReference<Cancel.Context> handle = new AtomicReference<>();
      Switch.run(
          sw -> {
            forkCancellable(
                sw,
                handle,
                () ->
                    outcome.set(
                        c.loopNoMutex(
                            () ->
                                state.get() > 0 ? Optional.of(state.get()) : Optional.empty())),
                outcome::set);
            Waits.until(() -> c.waiting() == 1);
            state.set(1);
            c.broadcast();
            handle.get().cancel(new RuntimeException("cancelled right after the broadcast"));
          });
      if (!Integer.valueOf(1).equals(outcome.get())) {
        lost++;
      }
    }
    assertEquals(0, lost, "runs in which the wake-up's state change was lost, of " + ITERATIONS);
  }

  /** An operation completes or is cancelled, never both: a cancelled waiter never creates. */
  @Test
  void poolWaiterCancelledWhileThePermitIsHandedToItNeverCallsCreate() {
    AtomicInteger createdWhileCancelled = new AtomicInteger();
    AtomicInteger waiterCompleted = new AtomicInteger();
    for (int it = 0; it < ITERATIONS; it++) {
      Switch.run(
          sw -> {
            Pool<Integer> pool =
                Pool.create(
                    sw,
                    1,
                    () -> {
                      if (Fiber.isCancelled()) {
                        createdWhileCancelled.incrementAndGet();
                      }
                      return 1;
                    },
                    r -> false, // never reused: the waiter has to create its own
                    null);
            AtomicReference<Thread> waiter = new AtomicReference<>();
            AtomicReference<Cancel.Context> handle = new AtomicReference<>();
            pool.use(
                r -> {
                  forkCancellable(
                      sw,
                      handle,
                      () -> {
                        waiter.set(Thread.currentThread());
                        pool.use(x -> x);
                        waiterCompleted.incrementAndGet();
                      },
                      expected -> {});
                  Waits.parked(waiter);
                  handle.get().cancel(new RuntimeException("cancel, then hand over the permit"));
                  return r;
                });
          });
    }
    assertEquals(0, createdWhileCancelled.get(), "create called by a cancelled waiter");
    assertEquals(0, waiterCompleted.get(), "a waiter cancelled before the hand-over completed");
  }

  private static final class CountingSink implements dev.eio.io.Sink {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void write(ByteBuffer src) {
      calls.incrementAndGet();
      src.position(src.limit());
    }
  }

  private static void sixSmallWrites(CountingSink sink) {
    BufWriter.with(
        sink,
        out -> {
          for (int i = 0; i < 6; i++) {
            out.writeString("line " + i + "\n");
          }
        });
  }

  /** BufWriter's Javadoc: a fiber's run of small writes made without blocking is one call. */
  @Test
  void bufWriterSendsARunOfSmallWritesInOneSinkCallFromTheRoot() {
    int split = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      CountingSink sink = new CountingSink();
      Eio.run(env -> sixSmallWrites(sink));
      if (sink.calls.get() != 1) {
        split++;
      }
    }
    assertEquals(0, split, "runs whose six small writes took more than one sink call");
  }

  @Test
  void bufWriterSendsARunOfSmallWritesInOneSinkCallFromAForkedFiber() {
    int split = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      CountingSink sink = new CountingSink();
      Eio.run(env -> Switch.run(sw -> sw.fork(() -> sixSmallWrites(sink))));
      if (sink.calls.get() != 1) {
        split++;
      }
    }
    assertEquals(0, split, "runs whose six small writes took more than one sink call");
  }

  /** Eio fiber.md, "Daemon fibers": a daemon being stopped cannot fork into its switch. */
  @Test
  void aDaemonStoppedBecauseOnlyDaemonsRemainCannotKeepTheSwitchOpen() {
    for (int it = 0; it < ITERATIONS; it++) {
      AtomicBoolean started = new AtomicBoolean();
      Switch.run(
          sw -> {
            sw.forkDaemon(
                () -> {
                  try {
                    Fiber.awaitCancel();
                  } catch (Cancelled c) {
                    sw.forkDaemon(() -> started.set(true));
                    sw.fork(() -> started.set(true));
                    throw c;
                  }
                });
            Fiber.yield();
          });
      assertFalse(started.get(), "a fiber forked by a daemon being stopped ran");
    }
  }
  /**
   * Eio buf_write.md, "We still flush the output on error", with a random amount of work between
   * the write and the failure: the bytes reach the sink every time (they were dropped whenever
   * the failure cancelled the flusher before it ran).
   */
  @Test
  void aFailedWithBodysBytesAlwaysReachTheSink() {
    java.util.Random random = new java.util.Random(21);
    int lost = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      dev.eio.io.BufferSink sink = dev.eio.io.Flow.bufferSink();
      int spin = random.nextInt(3) == 0 ? 0 : random.nextInt(20_000);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  BufWriter.with(
                      sink,
                      w -> {
                        w.writeString("foo");
                        long x = 0;
                        for (int k = 0; k < spin; k++) {
                          x += k;
                        }
                        throw new IllegalStateException("Simulated error " + x);
                      }));
      assertTrue(e.getMessage().startsWith("Simulated error"));
      if (!sink.toString().equals("foo")) {
        lost++;
      }
    }
    assertEquals(0, lost, "runs whose failed body's bytes never reached the sink");
  }

  /**
   * Eio buf_write.md, "And with with_flow": a sink failure that another fiber's flush saw first
   * still fails {@code BufWriter.with} (it returned normally when the other fiber won the race).
   */
  @Test
  void aSinkFailureAlwaysReachesTheWith() {
    int silent = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      boolean[] thrown = {false};
      try {
        Switch.run(
            sw ->
                BufWriter.with(
                    src -> {
                      throw new IllegalStateException("Simulated IO error");
                    },
                    w -> {
                      Promise<Void> wrote = Promise.create();
                      sw.fork(
                          () -> {
                            w.writeString("foo");
                            wrote.resolve(null);
                            try {
                              w.flush();
                            } catch (IllegalStateException expected) {
                              // the other side of the race
                            }
                          });
                      wrote.await();
                    }));
      } catch (IllegalStateException e) {
        thrown[0] = e.getMessage().equals("Simulated IO error");
      }
      if (!thrown[0]) {
        silent++;
      }
    }
    assertEquals(0, silent, "runs where BufWriter.with returned although its sink failed");
  }
}
