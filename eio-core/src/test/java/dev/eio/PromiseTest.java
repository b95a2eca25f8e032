package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PromiseTest {

  @Test
  void resolveWakesEveryWaiter() {
    Promise<String> p = Promise.create();
    String[] got = new String[3];
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            int k = i;
            sw.fork(() -> got[k] = p.await());
          }
          Fiber.yield();
          p.resolve("v");
        });
    assertArrayEquals(new String[] {"v", "v", "v"}, got);
  }

  @Test
  void aSecondResolveIsAnIllegalState() {
    Promise<Integer> p = Promise.create();
    p.resolve(1);
    assertThrows(IllegalStateException.class, () -> p.resolve(2));
    assertThrows(IllegalStateException.class, () -> p.fail(new RuntimeException()));
    assertFalse(p.tryResolve(3));
    assertFalse(p.tryFail(new RuntimeException()));
    assertEquals(1, p.await());
  }

  @Test
  void anAlreadyResolvedPromiseReturnsAtOnceEvenWhenCancelled() {
    Promise<String> p = Promise.resolved("ready");
    String got =
        Cancel.subCall(
            ctx -> {
              ctx.cancel(new RuntimeException("cancelled first"));
              return p.await();
            });
    assertEquals("ready", got);
  }

  @Test
  void failedPromisesRethrowTheSameUncheckedObjectAndWrapCheckedOnce() {
    Promise<String> p = Promise.create();
    IllegalStateException boom = new IllegalStateException();
    p.fail(boom);
    assertSame(boom, assertThrows(IllegalStateException.class, p::await));
    assertSame(boom, assertThrows(IllegalStateException.class, p::peek));
    Promise<String> q = Promise.create();
    IOException io = new IOException();
    q.fail(io);
    assertSame(io, assertThrows(WrappedCheckedException.class, q::await).getCause());
  }

  @Test
  void peekAndIsResolved() {
    Promise<String> p = Promise.create();
    assertTrue(p.peek().isEmpty());
    assertFalse(p.isResolved());
    p.resolve("x");
    assertEquals("x", p.peek().orElseThrow());
    assertTrue(p.isResolved());
  }

  @Test
  void awaitIsCancellableAndLeavesThePromiseUntouched() {
    Promise<String> p = Promise.create();
    AtomicReference<Throwable> waiterSaw = new AtomicReference<>();
    assertThrows(
        RuntimeException.class,
        () ->
            Switch.run(
                sw -> {
                  CountDownLatch started = new CountDownLatch(1);
                  sw.fork(
                      () -> {
                        started.countDown();
                        try {
                          p.await();
                        } catch (Throwable t) {
                          waiterSaw.set(t);
                          throw t;
                        }
                      });
                  started.await();
                  throw new RuntimeException("stop");
                }));
    assertInstanceOf(Cancelled.class, waiterSaw.get());
    assertFalse(p.isResolved());
    p.resolve("later");
    assertEquals("later", p.await());
  }

  @Test
  void toCompletableFutureCompletesWithTheValueOrTheFailure() throws Exception {
    Promise<String> p = Promise.create();
    CompletableFuture<String> cf = p.toCompletableFuture();
    assertFalse(cf.isDone());
    p.resolve("v");
    assertEquals("v", cf.get());

    Promise<String> q = Promise.create();
    IOException io = new IOException("io");
    q.fail(io);
    ExecutionException e = assertThrows(ExecutionException.class, () -> q.toCompletableFuture().get());
    assertSame(io, e.getCause());
  }

  @Test
  void cancellingTheFutureCancelsThePromiseAndViceVersa() {
    Promise<String> p = Promise.create();
    CompletableFuture<String> cf = p.toCompletableFuture();
    cf.cancel(true);
    assertThrows(Cancelled.class, p::await);

    Promise<String> q = Promise.create();
    CompletableFuture<String> qf = q.toCompletableFuture();
    q.fail(new Cancelled("stop"));
    assertTrue(qf.isCancelled());
  }

  @Test
  void fromFollowsTheStageAndMapsItsCancellation() {
    CompletableFuture<String> cf = new CompletableFuture<>();
    Promise<String> p = Promise.from(cf);
    cf.complete("v");
    assertEquals("v", p.await());

    CompletableFuture<String> failing = new CompletableFuture<>();
    Promise<String> q = Promise.from(failing.thenApply(s -> s));
    IllegalStateException boom = new IllegalStateException();
    failing.completeExceptionally(boom);
    assertSame(boom, assertThrows(IllegalStateException.class, q::await));

    CompletableFuture<String> cancelled = new CompletableFuture<>();
    Promise<String> r = Promise.from(cancelled);
    cancelled.cancel(true);
    Cancelled c = assertThrows(Cancelled.class, r::await);
    assertInstanceOf(CancellationException.class, c.reason());

    CompletableFuture<String> upstream = new CompletableFuture<>();
    Promise<String> s = Promise.from(upstream);
    s.fail(new Cancelled("no longer needed"));
    await().until(upstream::isCancelled);
  }

  @Test
  void aWaiterEitherGetsTheValueOrIsCancelledNeverBoth() {
    // Race resolve against cancellation many times: a waiter that returned a value must not
    // also report cancellation, and one that reported cancellation must not have a value.
    for (int i = 0; i < 300; i++) {
      Promise<Integer> p = Promise.create();
      AtomicReference<Object> outcome = new AtomicReference<>();
      try {
        Cancel.sub(
            ctx ->
                Switch.run(
                    sw -> {
                      CountDownLatch waiting = new CountDownLatch(1);
                      sw.fork(
                          () -> {
                            waiting.countDown();
                            try {
                              outcome.set(p.await());
                            } catch (Cancelled c) {
                              outcome.set(c);
                            }
                          });
                      waiting.await();
                      sw.fork(() -> p.resolve(1));
                      sw.fork(() -> ctx.cancel(new RuntimeException("race")));
                    }));
      } catch (Cancelled expected) {
        // the sub-context was cancelled: that is the race
      }
      Object o = outcome.get();
      assertTrue(o instanceof Integer || o instanceof Cancelled, String.valueOf(o));
    }
  }
}
