package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConditionTest {

  @Test
  void broadcastWakesEveryWaiterAndEachRelocksTheMutex() {
    Mutex m = new Mutex();
    Condition c = new Condition();
    boolean[] ready = {false};
    List<Integer> woke = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            int k = i;
            sw.fork(
                () -> {
                  m.lock();
                  try {
                    while (!ready[0]) {
                      c.await(m);
                    }
                    assertFalse(m.tryLock(), "await returned holding the mutex");
                    woke.add(k);
                  } finally {
                    m.unlock();
                  }
                });
          }
          await().until(() -> c.waiting() == 3);
          m.useRw(
              false,
              () -> {
                ready[0] = true;
                c.broadcast();
              });
        });
    assertEquals(3, woke.size());
    assertTrue(m.tryLock());
  }

  @Test
  void awaitRelocksTheMutexEvenWhenCancelled() {
    Mutex m = new Mutex();
    Condition c = new Condition();
    AtomicBoolean heldWhenCancelled = new AtomicBoolean();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Switch.run(
        sw -> {
          Promise<Cancel.Context> ctxP = Promise.create();
          Promise<Void> relockStarted = Promise.create();
          sw.fork(
              () -> {
                m.lock();
                try {
                  Cancel.sub(
                      ctx -> {
                        ctxP.resolve(ctx);
                        c.await(m);
                      });
                } catch (Cancelled e) {
                  seen.set(e);
                  heldWhenCancelled.set(!m.tryLock());
                } finally {
                  m.unlock();
                }
              });
          Cancel.Context ctx = ctxP.await();
          await().until(() -> c.waiting() == 1);
          m.lock(); // the cancelled waiter must wait for this before it may throw
          ctx.cancel(new RuntimeException("stop"));
          await().until(() -> m.waiting() == 1);
          assertNull(seen.get(), "Cancelled thrown before the mutex was relocked");
          m.unlock();
        });
    assertInstanceOf(Cancelled.class, seen.get());
    assertTrue(heldWhenCancelled.get());
    assertTrue(m.tryLock(), "the waiter unlocked in its finally");
  }

  @Test
  void awaitWithoutTheMutexHeldIsAnErrorAndLeavesNoWaiter() {
    Condition c = new Condition();
    assertThrows(IllegalStateException.class, () -> c.await(new Mutex()));
    assertEquals(0, c.waiting());
  }

  @Test
  void awaitNoMutexWakesOnBroadcastAndIsCancellable() {
    Condition c = new Condition();
    Switch.run(
        sw -> {
          Promise<Void> woke = sw.forkPromise(() -> {
            c.awaitNoMutex();
            return null;
          });
          await().until(() -> c.waiting() == 1);
          c.broadcast();
          woke.await();
        });
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                sw -> {
                  sw.fork(c::awaitNoMutex);
                  await().until(() -> c.waiting() == 1);
                  sw.fail(new Cancelled("stop"));
                }));
    assertEquals(0, c.waiting());
  }

  @Test
  void loopNoMutexLosesNoBroadcastMadeWhileTheCheckRuns() {
    Condition c = new Condition();
    AtomicInteger state = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    // The broadcast happens after the check read the stale state and before it returns: a
    // waiter registered only after the check would sleep forever.
    int v =
        c.loopNoMutex(
            () -> {
              checks.incrementAndGet();
              int seen = state.get();
              if (seen == 0) {
                state.set(1);
                c.broadcast();
                return Optional.empty();
              }
              return Optional.of(seen);
            });
    assertEquals(1, v);
    assertEquals(2, checks.get());
    assertEquals(0, c.waiting());
  }

  @Test
  void loopNoMutexWaitsForBroadcastsUntilTheCheckSucceeds() {
    Condition c = new Condition();
    AtomicInteger state = new AtomicInteger();
    Switch.run(
        sw -> {
          Promise<Integer> got =
              sw.forkPromise(
                  () -> c.loopNoMutex(() -> state.get() >= 3 ? Optional.of(state.get()) : Optional.empty()));
          for (int i = 0; i < 3; i++) {
            await().until(() -> c.waiting() == 1);
            state.incrementAndGet();
            c.broadcast();
          }
          assertEquals(3, got.await());
        });
  }

  @Test
  void aFailingCheckLeavesNoWaiter() {
    Condition c = new Condition();
    IllegalStateException boom = new IllegalStateException();
    assertSame(boom, assertThrows(IllegalStateException.class, () -> c.loopNoMutex(() -> {
      throw boom;
    })));
    assertEquals(0, c.waiting());
  }

  @Test
  void producerConsumerWithMutexAndConditionDeliversEveryItemOnce() {
    Mutex m = new Mutex();
    Condition nonEmpty = new Condition();
    ArrayDeque<Integer> q = new ArrayDeque<>();
    List<Integer> got = new CopyOnWriteArrayList<>();
    Switch.run(
        sw -> {
          for (int k = 0; k < 2; k++) {
            sw.fork(
                () -> {
                  while (true) {
                    int item;
                    m.lock();
                    try {
                      while (q.isEmpty()) {
                        nonEmpty.await(m);
                      }
                      item = q.poll();
                    } finally {
                      m.unlock();
                    }
                    if (item < 0) {
                      return;
                    }
                    got.add(item);
                  }
                });
          }
          for (int i = 0; i < 100; i++) {
            int item = i;
            m.useRw(
                false,
                () -> {
                  q.add(item);
                  nonEmpty.broadcast();
                });
          }
          m.useRw(
              false,
              () -> {
                q.add(-1);
                q.add(-1);
                nonEmpty.broadcast();
              });
        });
    assertEquals(100, got.size());
    assertEquals(100, got.stream().distinct().count());
  }
}
