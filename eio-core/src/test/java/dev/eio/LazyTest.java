package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LazyTest {

  @Test
  void concurrentCallersShareOneComputation() {
    AtomicInteger runs = new AtomicInteger();
    Promise<Void> gate = Promise.create();
    Lazy<String> lazy =
        Lazy.of(
            () -> {
              runs.incrementAndGet();
              gate.await();
              return "v";
            });
    List<String> got = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          for (int i = 0; i < 5; i++) {
            sw.fork(() -> got.add(lazy.get()));
          }
          await().until(() -> runs.get() == 1);
          gate.resolve(null);
        });
    assertEquals(List.of("v", "v", "v", "v", "v"), got);
    assertEquals(1, runs.get());
    assertEquals("v", lazy.get());
    assertEquals(1, runs.get());
    assertTrue(lazy.isDone());
  }

  @Test
  void aFailureIsRememberedAndRethrownAsTheSameObject() {
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    Lazy<String> lazy =
        Lazy.of(
            () -> {
              runs.incrementAndGet();
              throw boom;
            });
    assertSame(boom, assertThrows(IllegalStateException.class, lazy::get));
    assertSame(boom, assertThrows(IllegalStateException.class, lazy::get));
    assertEquals(1, runs.get());
  }

  /** The first run blocks until cancelled; later runs return "v<run>". */
  private static Lazy<String> firstRunBlocks(Lazy.CancelPolicy policy, AtomicInteger runs) {
    return Lazy.of(
        policy,
        () -> {
          int n = runs.incrementAndGet();
          if (n == 1) {
            Fiber.awaitCancel();
          }
          return "v" + n;
        });
  }

  @Test
  void restartLetsAWaitingCallerStartOverWhenTheComputingFiberIsCancelled() {
    AtomicInteger runs = new AtomicInteger();
    Lazy<String> lazy = firstRunBlocks(Lazy.CancelPolicy.RESTART, runs);
    Switch.run(
        sw -> {
          Promise<Cancel.Context> ctxP = Promise.create();
          sw.fork(
              () ->
                  assertThrows(
                      Cancelled.class,
                      () ->
                          Cancel.sub(
                              ctx -> {
                                ctxP.resolve(ctx);
                                lazy.get();
                              })));
          Cancel.Context ctx = ctxP.await();
          await().until(() -> runs.get() == 1);
          AtomicReference<Thread> waiterThread = new AtomicReference<>();
          Promise<String> waiter =
              sw.forkPromise(
                  () -> {
                    waiterThread.set(Thread.currentThread());
                    return lazy.get();
                  });
          // Parked on the running attempt, not computing its own.
          await()
              .until(
                  () ->
                      waiterThread.get() != null
                          && waiterThread.get().getState() == Thread.State.WAITING);
          assertEquals(1, runs.get());
          ctx.cancel(new RuntimeException("stop"));
          assertEquals("v2", waiter.await());
        });
    assertEquals("v2", lazy.get());
    assertEquals(2, runs.get());
  }

  @Test
  void restartAfterACancelledComputationComputesAgainOnTheNextCall() {
    AtomicInteger runs = new AtomicInteger();
    Lazy<String> lazy = firstRunBlocks(Lazy.CancelPolicy.RESTART, runs);
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                sw -> {
                  sw.fork(lazy::get);
                  await().until(() -> runs.get() == 1);
                  sw.fail(new Cancelled("stop"));
                }));
    assertFalse(lazy.isDone());
    assertEquals("v2", lazy.get());
  }

  @Test
  void recordRemembersTheCancellation() {
    AtomicInteger runs = new AtomicInteger();
    Lazy<String> lazy = firstRunBlocks(Lazy.CancelPolicy.RECORD, runs);
    RuntimeException why = new RuntimeException("stop");
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(why);
                  lazy.get();
                }));
    Cancelled later = assertThrows(Cancelled.class, lazy::get);
    assertSame(why, later.reason());
    assertEquals(1, runs.get());
  }

  @Test
  void protectCompletesTheComputationDespiteTheCallersCancellation() {
    Promise<String> slow = Promise.create();
    AtomicInteger runs = new AtomicInteger();
    Lazy<String> lazy =
        Lazy.of(
            Lazy.CancelPolicy.PROTECT,
            () -> {
              runs.incrementAndGet();
              return slow.await();
            });
    Switch.run(
        sw -> {
          sw.fork(
              () -> {
                await().until(() -> runs.get() == 1);
                slow.resolve("v");
              });
          String got =
              Cancel.subCall(
                  ctx -> {
                    ctx.cancel(new RuntimeException("stop"));
                    return lazy.get();
                  });
          assertEquals("v", got);
        });
    assertEquals("v", lazy.get());
    assertEquals(1, runs.get());
  }

  @Test
  void aCancelledWaiterDoesNotDisturbTheComputation() {
    Promise<String> gate = Promise.create();
    AtomicInteger runs = new AtomicInteger();
    Lazy<String> lazy =
        Lazy.of(
            () -> {
              runs.incrementAndGet();
              return gate.await();
            });
    Switch.run(
        sw -> {
          Promise<String> computer = sw.forkPromise(lazy::get);
          await().until(() -> runs.get() == 1);
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx -> {
                        ctx.cancel(new RuntimeException("waiter gives up"));
                        lazy.get();
                      }));
          gate.resolve("v");
          assertEquals("v", computer.await());
        });
    assertEquals(1, runs.get());
  }
}
