package dev.eio.rpc;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.actor.Mailbox;
import dev.eio.actor.MailboxFullException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Randomized runs of a contract served on an actor under concurrent local callers with random
 * deadlines and random cancellations. Each run checks that no call ran twice, none was lost (each
 * returned, or its caller gave up, or the mailbox refused it), none ran after its caller gave up
 * or was still running when its caller returned, and no two calls overlapped. Raise the number of
 * runs with {@code -Deio.stress.iterations=N}.
 */
@org.junit.jupiter.api.Timeout(120)
class RpcActorStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 10);

  private static Mailbox randomMailbox(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> Mailbox.unbounded();
      case 1 -> Mailbox.bounded(1 + r.nextInt(4), Mailbox.WhenFull.WAIT);
      case 2 -> Mailbox.bounded(1 + r.nextInt(16), Mailbox.WhenFull.FAIL);
      default -> Mailbox.bounded(1 + r.nextInt(64), Mailbox.WhenFull.WAIT);
    };
  }

  @Test
  void noCallRunsTwiceIsLostRunsAfterItsCallerGaveUpOrOverlapsAnother() {
    Random seeds = new Random(37);
    long[] totals = new long[4]; // returned, timed out, cancelled, refused as full
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      int callers = 2 + r.nextInt(7);
      int perCaller = 20 + r.nextInt(80);
      Mailbox kind = randomMailbox(r);
      PlainTally impl = new PlainTally();
      AtomicLong ids = new AtomicLong();
      AtomicInteger returned = new AtomicInteger();
      AtomicInteger timedOut = new AtomicInteger();
      AtomicInteger cancelled = new AtomicInteger();
      AtomicInteger full = new AtomicInteger();
      AtomicInteger stillRunning = new AtomicInteger();
      AtomicReferenceArray<Cancel.Context> current = new AtomicReferenceArray<>(callers);
      String where = "seed " + seed + ", " + callers + " callers x " + perCaller + ", mailbox " + kind;
      Eio.run(
          env ->
              Switch.run(
                  sw -> {
                    RpcActor<Tally> actor = Rpc.actor(sw, Tally.class, kind, impl);
                    Switch.run(
                        callersSw -> {
                          for (int c = 0; c < callers; c++) {
                            int me = c;
                            callersSw.fork(
                                () -> {
                                  ThreadLocalRandom tr = ThreadLocalRandom.current();
                                  for (int i = 0; i < perCaller; i++) {
                                    long id = ids.incrementAndGet();
                                    int work = tr.nextInt(4) == 0 ? tr.nextInt(3) : 0;
                                    Tally t = tr.nextBoolean() ? actor.client() : actor.client(Duration.ofMillis(1 + tr.nextInt(4)));
                                    try {
                                      Cancel.sub(
                                          ctx -> {
                                            current.set(me, ctx);
                                            assertEquals(id, t.work(id, work));
                                            returned.incrementAndGet();
                                          });
                                    } catch (Timeout e) {
                                      impl.gaveUp.add(id);
                                      timedOut.incrementAndGet();
                                    } catch (Cancelled e) {
                                      impl.gaveUp.add(id);
                                      cancelled.incrementAndGet();
                                    } catch (MailboxFullException e) {
                                      impl.gaveUp.add(id);
                                      full.incrementAndGet();
                                    }
                                    if (impl.current == id) {
                                      stillRunning.incrementAndGet();
                                    }
                                  }
                                });
                          }
                          // Chaos: cancel the call a random caller is making now.
                          callersSw.forkDaemon(
                              () -> {
                                ThreadLocalRandom tr = ThreadLocalRandom.current();
                                while (true) {
                                  for (int y = tr.nextInt(50); y > 0; y--) {
                                    Fiber.yield();
                                  }
                                  Cancel.Context c = current.get(tr.nextInt(callers));
                                  if (c != null) {
                                    c.cancel(new RuntimeException("chaos"));
                                  }
                                }
                              });
                        });
                    // The actor is free once every caller has returned: a last call goes through.
                    assertEquals(0L, actor.client().work(0L, 0), where);
                  }));
      int total = callers * perCaller;
      assertEquals(total, returned.get() + timedOut.get() + cancelled.get() + full.get(), "a call was lost: " + where);
      assertEquals(0, impl.overlaps.get(), "calls overlapped: " + where);
      assertEquals(0, impl.ranAfterGivingUp.get(), "a call ran after its caller gave up: " + where);
      assertEquals(0, stillRunning.get(), "a call still ran after its caller returned: " + where);
      int ranOnce = 0;
      for (long id = 1; id <= total; id++) {
        Integer n = impl.ran.get(id);
        assertTrue(n == null || n == 1, "call " + id + " ran " + n + " times: " + where);
        if (n != null) {
          ranOnce++;
        }
      }
      assertTrue(ranOnce >= returned.get(), "a returned call did not run: " + where);
      totals[0] += returned.get();
      totals[1] += timedOut.get();
      totals[2] += cancelled.get();
      totals[3] += full.get();
    }
    System.out.println(
        "RpcActorStressTest: " + ITERATIONS + " runs, " + totals[0] + " returned, " + totals[1]
            + " timed out, " + totals[2] + " cancelled, " + totals[3] + " refused (mailbox full)");
  }
}
