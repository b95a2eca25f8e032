package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SemaphoreTest {

  @Test
  void aNegativeStartIsAnErrorNamingTheArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
    assertEquals("permits must be >= 0, got -1", e.getMessage());
  }

  @Test
  void freePermitsAreTakenWithoutWaiting() {
    Semaphore s = new Semaphore(2);
    s.acquire();
    s.acquire();
    assertEquals(0, s.available());
    assertFalse(s.tryAcquire());
    s.release();
    assertTrue(s.tryAcquire());
  }

  @Test
  void waitersAreServedInFifoOrder() {
    Semaphore s = new Semaphore(0);
    List<Integer> order = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          for (int i = 0; i < 5; i++) {
            int k = i;
            sw.fork(
                () -> {
                  s.acquire();
                  order.add(k);
                });
            await().until(() -> s.waiting() == k + 1);
          }
          for (int i = 0; i < 5; i++) {
            int done = i + 1;
            s.release();
            await().until(() -> order.size() == done);
          }
        });
    assertEquals(List.of(0, 1, 2, 3, 4), order);
  }

  @Test
  void aNewcomerNeverOvertakesAQueuedWaiter() {
    Semaphore s = new Semaphore(0);
    Switch.run(
        sw -> {
          Promise<Void> got = sw.forkPromise(() -> {
            s.acquire();
            return null;
          });
          await().until(() -> s.waiting() == 1);
          s.release();
          assertFalse(s.tryAcquire(), "the released permit belongs to the queued fiber");
          got.await();
          assertEquals(0, s.available());
        });
  }

  @Test
  void aCancelledAcquireHoldsNoPermit() {
    Semaphore s = new Semaphore(0);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Switch.run(
        sw -> {
          Promise<Cancel.Context> ctxP = Promise.create();
          sw.fork(
              () -> {
                try {
                  Cancel.sub(
                      ctx -> {
                        ctxP.resolve(ctx);
                        s.acquire();
                      });
                } catch (Cancelled c) {
                  seen.set(c);
                }
              });
          Cancel.Context ctx = ctxP.await();
          await().until(() -> s.waiting() == 1);
          ctx.cancel(new RuntimeException("stop"));
        });
    assertInstanceOf(Cancelled.class, seen.get());
    assertEquals(0, s.waiting());
    s.release();
    assertEquals(1, s.available(), "the permit was not handed to the cancelled waiter");
  }

  @Test
  void anAlreadyCancelledFiberThrowsInsteadOfQueueing() {
    Semaphore s = new Semaphore(0);
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("x"));
                  s.acquire();
                }));
    assertEquals(0, s.waiting());
  }
}
