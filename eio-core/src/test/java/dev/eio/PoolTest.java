package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PoolTest {

  /** A resource that remembers whether it was disposed, and how often. */
  static final class Res {
    final int id;
    final AtomicInteger disposed = new AtomicInteger();
    volatile boolean broken;

    Res(int id) {
      this.id = id;
    }
  }

  final AtomicInteger created = new AtomicInteger();
  final List<Res> all = new CopyOnWriteArrayList<>();

  Res make() {
    Res r = new Res(created.incrementAndGet());
    all.add(r);
    return r;
  }

  Pool<Res> pool(Switch sw, int max) {
    return Pool.create(sw, max, this::make, r -> !r.broken, r -> r.disposed.incrementAndGet());
  }

  @Test
  void aMaxBelowOneIsAnErrorNamingTheArgument() {
    Switch.run(
        sw -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> Pool.create(sw, 0, this::make));
          assertEquals("max must be >= 1, got 0", e.getMessage());
        });
  }

  @Test
  void resourcesAreCreatedLazilyAndReused() {
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 3);
          assertEquals(0, created.get(), "nothing created before the first use");
          int a = p.use(r -> r.id);
          int b = p.use(r -> r.id);
          assertEquals(a, b, "an idle resource is reused");
          assertEquals(1, created.get());
        });
  }

  @Test
  void atMostMaxResourcesAreLentAndOthersWait() {
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Promise<Void> gate = Promise.create();
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 2);
          for (int i = 0; i < 6; i++) {
            sw.fork(
                () ->
                    p.use(
                        r -> {
                          peak.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                          gate.await();
                          inUse.decrementAndGet();
                          return null;
                        }));
          }
          await().until(() -> inUse.get() == 2);
          gate.resolve(null);
        });
    assertEquals(2, peak.get());
    assertEquals(2, created.get());
  }

  @Test
  void aFailedCreateFreesItsSlotAndTheNextUserRetries() {
    AtomicInteger attempts = new AtomicInteger();
    IOException down = new IOException("db down");
    Switch.run(
        sw -> {
          Pool<String> p =
              Pool.create(
                  sw,
                  1,
                  () -> {
                    if (attempts.incrementAndGet() == 1) {
                      throw down;
                    }
                    return "conn";
                  });
          WrappedCheckedException e =
              assertThrows(WrappedCheckedException.class, () -> p.use(r -> r));
          assertSame(down, e.getCause());
          assertEquals("conn", p.use(r -> r), "the slot was freed and create retried");
        });
    assertEquals(2, attempts.get());
  }

  @Test
  void aResourceRejectedByValidateIsDisposedAndReplaced() {
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 1);
          Res first = p.use(r -> r);
          first.broken = true;
          Res second = p.use(r -> r);
          assertNotSame(first, second);
          assertEquals(1, first.disposed.get());
          assertEquals(0, second.disposed.get());
        });
  }

  @Test
  void aResourceGoesBackToThePoolWhenTheBodyThrows() {
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 1);
          RuntimeException boom = new RuntimeException();
          AtomicReference<Res> used = new AtomicReference<>();
          assertSame(
              boom,
              assertThrows(
                  RuntimeException.class,
                  () ->
                      p.use(
                          r -> {
                            used.set(r);
                            throw boom;
                          })));
          assertSame(used.get(), p.use(r -> r));
        });
  }

  @Test
  void neverBlockHandsOutATemporaryResourceWhenEverySlotIsBusy() {
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 1);
          Promise<Void> gate = Promise.create();
          Promise<Void> holding = Promise.create();
          sw.fork(
              () ->
                  p.use(
                      r -> {
                        holding.resolve(null);
                        return gate.await();
                      }));
          holding.await();
          Res temp = p.use(true, r -> r);
          assertEquals(2, created.get());
          assertEquals(1, temp.disposed.get(), "the temporary resource is disposed after use");
          gate.resolve(null);
        });
    assertEquals(2, created.get());
  }

  @Test
  void everyResourceIsDisposedExactlyOnceWhenTheSwitchFinishes() {
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 3);
          Promise<Void> gate = Promise.create();
          for (int i = 0; i < 3; i++) {
            sw.fork(() -> p.use(r -> gate.await()));
          }
          await().until(() -> created.get() == 3);
          gate.resolve(null);
        });
    assertEquals(3, all.size());
    for (Res r : all) {
      assertEquals(1, r.disposed.get(), "resource " + r.id);
    }
  }

  @Test
  void aResourceLentWhenThePoolClosesIsDisposedWhenItComesBack() {
    AtomicReference<Pool<Res>> ref = new AtomicReference<>();
    Switch.run(
        outer -> {
          Pool<Res> p = pool(outer, 2);
          ref.set(p);
          Promise<Void> gate = Promise.create();
          Promise<Void> holding = Promise.create();
          outer.fork(
              () ->
                  p.use(
                      r -> {
                        holding.resolve(null);
                        return gate.await();
                      }));
          holding.await();
          p.use(r -> null); // a second, idle resource
          p.close();
          assertEquals(1, all.get(1).disposed.get(), "the idle one is disposed at once");
          assertEquals(0, all.get(0).disposed.get(), "the lent one is still in use");
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.use(r -> r));
          assertTrue(e.getMessage().contains("closed"), e.getMessage());
          gate.resolve(null);
        });
    assertEquals(1, all.get(0).disposed.get());
    assertEquals(1, all.get(1).disposed.get());
  }

  @Test
  void waitingForAResourceIsCancellable() {
    List<Throwable> seen = new ArrayList<>();
    Switch.run(
        sw -> {
          Pool<Res> p = pool(sw, 1);
          Promise<Void> gate = Promise.create();
          Promise<Void> holding = Promise.create();
          sw.fork(
              () ->
                  p.use(
                      r -> {
                        holding.resolve(null);
                        return gate.await();
                      }));
          holding.await();
          seen.add(
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx -> {
                            ctx.cancel(new RuntimeException("give up"));
                            p.use(r -> r);
                          })));
          gate.resolve(null);
          assertEquals(1, (int) p.<Integer>use(r -> r.id), "the slot was not leaked by the cancelled waiter");
        });
    assertEquals(1, seen.size());
    assertEquals(1, created.get());
  }
}
