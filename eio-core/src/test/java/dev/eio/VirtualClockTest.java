package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class VirtualClockTest {
  static final Instant T0 = Instant.EPOCH;

  @Test
  void aOneHourSleepCompletesAtOnceAndMovesTimeByExactlyAnHour() {
    VirtualClock.run(
        env -> {
          Clock c = env.clock();
          assertEquals(T0, c.now());
          assertEquals(0, c.nanoTime());
          c.sleep(Duration.ofHours(1));
          assertEquals(T0.plus(Duration.ofHours(1)), c.now());
          assertEquals(Duration.ofHours(1).toNanos(), c.nanoTime());
        });
  }

  @Test
  void timeDoesNotJumpWhileACarrierIsStillRunning() {
    // A virtual thread outside the run keeps a carrier busy, as an ending fiber does between the
    // JDK marking it terminated and its wake-up of the fibers that wait for it.
    java.util.concurrent.CountDownLatch spinning = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean spinnerDone = new java.util.concurrent.atomic.AtomicBoolean();
    Thread spinner =
        Thread.ofVirtual()
            .start(
                () -> {
                  spinning.countDown();
                  long end = System.nanoTime() + Duration.ofMillis(100).toNanos();
                  while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                  }
                  spinnerDone.set(true);
                });
    try {
      VirtualClock.run(
          env -> {
            spinning.await();
            env.clock().sleep(Duration.ofHours(1));
            assertTrue(spinnerDone.get(), "time jumped while a carrier was running");
          });
    } finally {
      assertDoesNotThrow(() -> spinner.join());
    }
  }

  @Test
  void sleepersWakeInDeadlineOrderAtTheirOwnTimes() {
    List<String> log = new CopyOnWriteArrayList<>();
    VirtualClock.run(
        env ->
            Switch.run(
                sw -> {
                  for (int minutes : new int[] {30, 10, 20}) {
                    sw.fork(
                        () -> {
                          env.clock().sleep(Duration.ofMinutes(minutes));
                          log.add(minutes + "@" + env.clock().now());
                        });
                  }
                }));
    assertEquals(
        List.of(
            "10@" + T0.plusSeconds(600), "20@" + T0.plusSeconds(1200), "30@" + T0.plusSeconds(1800)),
        log);
  }

  @Test
  void timeDoesNotMoveWhileAFiberIsBusy() {
    List<Instant> seenWhileBusy = new CopyOnWriteArrayList<>();
    VirtualClock.run(
        env ->
            Switch.run(
                sw -> {
                  sw.fork(() -> env.clock().sleep(Duration.ofHours(1)));
                  sw.fork(
                      () -> {
                        for (int i = 0; i < 2000; i++) {
                          Fiber.yield();
                          seenWhileBusy.add(env.clock().now());
                        }
                      });
                }));
    assertEquals(2000, seenWhileBusy.size());
    assertTrue(seenWhileBusy.stream().allMatch(T0::equals), "time jumped over a running fiber");
  }

  @Test
  void sleepUntilWakesAtTheInstant() {
    VirtualClock.run(
        env -> {
          Instant at = T0.plus(Duration.ofDays(3));
          env.clock().sleepUntil(at);
          assertEquals(at, env.clock().now());
          env.clock().sleepUntil(T0); // in the past: at once
          assertEquals(at, env.clock().now());
        });
  }

  @Test
  void aVirtualSleepIsCancellable() {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    VirtualClock.run(
        env ->
            Switch.run(
                sw -> {
                  Promise<Cancel.Context> ctxP = Promise.create();
                  sw.fork(
                      () -> {
                        try {
                          Cancel.sub(
                              ctx -> {
                                ctxP.resolve(ctx);
                                env.clock().sleep(Duration.ofDays(1));
                              });
                        } catch (Cancelled c) {
                          seen.set(c);
                        }
                      });
                  ctxP.await().cancel(new RuntimeException("stop"));
                }));
    assertInstanceOf(Cancelled.class, seen.get());
  }

  @Test
  void aDeadlockFailsTheRunNamingEachBlockedFiber() {
    Promise<String> never = Promise.create();
    Semaphore none = new Semaphore(0);
    Deadlock d =
        assertThrows(
            Deadlock.class,
            () ->
                VirtualClock.run(
                    env ->
                        Switch.run(
                            "work",
                            sw -> {
                              sw.fork(never::await);
                              sw.fork(none::acquire);
                            })));
    List<String> lines = d.blockedFibers();
    assertEquals(3, lines.size(), d.getMessage());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"work/") && l.contains("Promise.await")),
        d.getMessage());
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"work/") && l.contains("Semaphore.acquire")),
        d.getMessage());
    assertTrue(
        lines.stream()
            .anyMatch(l -> l.contains("\"virtual-clock/1\"") && l.contains("Switch")),
        d.getMessage());
  }

  @Test
  void aDeadlockOfTheRootAloneIsReported() {
    Deadlock d =
        assertThrows(Deadlock.class, () -> VirtualClock.run(env -> Promise.create().await()));
    assertEquals(1, d.blockedFibers().size());
    assertTrue(d.getMessage().contains("Promise.await"), d.getMessage());
  }

  /** The report names the operation and the user's frame, not eio's private parking method. */
  @Test
  void aDeadlockReportPointsAtTheUsersFrame() {
    Channel<Integer> ch = Channel.rendezvous();
    Deadlock d = assertThrows(Deadlock.class, () -> VirtualClock.run(env -> waitForever(ch)));
    assertTrue(
        d.getMessage()
            .contains("in dev.eio.Channel.receive, called from dev.eio.VirtualClockTest.waitForever("),
        d.getMessage());
    assertFalse(d.getMessage().contains("awaitWinner"), d.getMessage());
  }

  private static int waitForever(Channel<Integer> ch) {
    return ch.receive();
  }

  @Test
  void fibersBlockedOnEachOtherWhileOneSleepsAreNotADeadlock() {
    VirtualClock.run(
        env ->
            Switch.run(
                sw -> {
                  Promise<String> p = Promise.create();
                  sw.fork(() -> assertEquals("late", p.await()));
                  sw.fork(
                      () -> {
                        env.clock().sleep(Duration.ofDays(365));
                        p.resolve("late");
                      });
                }));
  }

  @Test
  void theClockCannotBeUsedAfterItsRunEnded() {
    Clock c = VirtualClock.call(Env::clock);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> c.sleep(Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("run ended"), e.getMessage());
  }

  @Test
  void theRunReturnsTheBodysValueAndRethrowsItsFailure() {
    assertEquals(42, (int) VirtualClock.<Integer>call(env -> 42));
    IllegalStateException boom = new IllegalStateException();
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                VirtualClock.run(
                    env -> {
                      throw boom;
                    })));
  }

  @Test
  void fibersOfCombinatorsTakePartInVirtualTime() {
    VirtualClock.run(
        env -> {
          Fiber.Pair<String, String> r =
              Fiber.pair(
                  () -> {
                    env.clock().sleep(Duration.ofMinutes(2));
                    return "a@" + env.clock().now();
                  },
                  () -> {
                    env.clock().sleep(Duration.ofMinutes(1));
                    return "b@" + env.clock().now();
                  });
          assertEquals("a@" + T0.plusSeconds(120), r.first());
          assertEquals("b@" + T0.plusSeconds(60), r.second());
        });
  }
}
