package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MutexTest {

  @Test
  void useRwPoisonsWhenTheBodyThrowsAndLaterUsesFailWithTheOriginalCause() {
    Mutex m = new Mutex();
    IllegalStateException boom = new IllegalStateException("half-updated");
    assertSame(boom, assertThrows(IllegalStateException.class, () -> m.useRw(false, () -> {
      throw boom;
    })));
    assertTrue(m.isPoisoned());
    Mutex.Poisoned p = assertThrows(Mutex.Poisoned.class, () -> m.useRo(() -> 1));
    assertSame(boom, p.getCause());
    assertSame(boom, assertThrows(Mutex.Poisoned.class, m::lock).getCause());
    assertSame(boom, assertThrows(Mutex.Poisoned.class, m::tryLock).getCause());
    assertSame(boom, assertThrows(Mutex.Poisoned.class, () -> m.useRw(true, () -> 2)).getCause());
  }

  @Test
  void aCheckedFailureIsWrappedOnceAndPoisons() {
    Mutex m = new Mutex();
    IOException io = new IOException("disk");
    WrappedCheckedException w =
        assertThrows(WrappedCheckedException.class, () -> m.useRw(false, () -> {
          throw io;
        }));
    assertSame(io, w.getCause());
    assertTrue(m.isPoisoned());
  }

  @Test
  void useRoUnlocksInsteadOfPoisoning() {
    Mutex m = new Mutex();
    RuntimeException boom = new RuntimeException("read failed");
    assertSame(boom, assertThrows(RuntimeException.class, () -> m.useRo(() -> {
      throw boom;
    })));
    assertFalse(m.isPoisoned());
    assertEquals(7, m.useRo(() -> 7));
    assertTrue(m.tryLock());
  }

  @Test
  void useRwReturnsTheValueAndUnlocks() {
    Mutex m = new Mutex();
    assertEquals("v", m.useRw(false, () -> "v"));
    assertTrue(m.tryLock());
    m.unlock();
  }

  @Test
  void aProtectedUseRwCompletesWhileTheCallerIsCancelled() {
    Mutex m = new Mutex();
    AtomicReference<String> got = new AtomicReference<>();
    Switch.run(
        sw -> {
          Promise<Void> entered = Promise.create();
          Promise<String> slow = Promise.create();
          sw.fork(
              () -> {
                entered.await();
                slow.resolve("done");
              });
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx -> {
                        ctx.cancel(new RuntimeException("stop"));
                        got.set(
                            m.useRw(
                                true,
                                () -> {
                                  entered.resolve(null);
                                  return slow.await();
                                }));
                        Fiber.check();
                      }));
        });
    assertEquals("done", got.get());
    assertFalse(m.isPoisoned());
    assertTrue(m.tryLock());
  }

  @Test
  void anUnprotectedUseRwCancelledHalfWayPoisons() {
    Mutex m = new Mutex();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("stop"));
                  m.useRw(false, Fiber::awaitCancel);
                }));
    assertInstanceOf(Cancelled.class, assertThrows(Mutex.Poisoned.class, m::lock).getCause());
  }

  @Test
  void waitingForTheLockIsCancellable() {
    Mutex m = new Mutex();
    m.lock();
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
                        m.lock();
                      });
                } catch (Cancelled c) {
                  seen.set(c);
                }
              });
          Cancel.Context ctx = ctxP.await();
          await().until(() -> m.waiting() == 1);
          ctx.cancel(new RuntimeException("stop"));
        });
    assertInstanceOf(Cancelled.class, seen.get());
    m.unlock();
    assertTrue(m.tryLock(), "the cancelled waiter did not take the lock");
  }

  @Test
  void poisoningWakesEveryWaiterWithPoisoned() {
    Mutex m = new Mutex();
    IllegalStateException boom = new IllegalStateException("boom");
    List<Throwable> seen = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          assertSame(
              boom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      m.useRw(
                          false,
                          () -> {
                            for (int i = 0; i < 3; i++) {
                              int k = i;
                              sw.fork(
                                  () -> {
                                    try {
                                      m.lock();
                                    } catch (Mutex.Poisoned p) {
                                      seen.add(p.getCause());
                                    }
                                  });
                              await().until(() -> m.waiting() == k + 1);
                            }
                            throw boom;
                          })));
        });
    assertEquals(List.of(boom, boom, boom), seen);
    assertEquals(0, m.waiting());
  }

  @Test
  void unlockingAnUnlockedMutexIsAnError() {
    Mutex m = new Mutex();
    IllegalStateException e = assertThrows(IllegalStateException.class, m::unlock);
    assertTrue(e.getMessage().contains("not locked"), e.getMessage());
  }

  @Test
  void theLockIsHandedToWaitersInFifoOrder() {
    Mutex m = new Mutex();
    List<Integer> order = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          m.lock();
          for (int i = 0; i < 4; i++) {
            int k = i;
            sw.fork(() -> m.useRw(false, () -> order.add(k)));
            await().until(() -> m.waiting() == k + 1);
          }
          m.unlock();
        });
    assertEquals(List.of(0, 1, 2, 3), order);
  }
}
