package dev.eio.actor;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized runs of actors under concurrent senders and random cancellation; each run checks
 * that no message was lost or delivered twice and that no actor outlived its switch. Raise the
 * number of runs with {@code -Deio.stress.iterations=N}.
 */
@Timeout(120)
class ActorStressTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 15);

  record Msg(int sender, int seq) {}

  private static Mailbox randomMailbox(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> Mailbox.unbounded();
      case 1 -> Mailbox.bounded(1 + r.nextInt(8), Mailbox.WhenFull.WAIT);
      default -> Mailbox.bounded(1 + r.nextInt(64), Mailbox.WhenFull.WAIT);
    };
  }

  /**
   * Senders send numbered messages, some cancelled at random; the actor takes them with plain
   * and selective receives. A send that returned is received exactly once, in the sender's order;
   * a send cancelled by its sender's cancellation is never received.
   */
  @Test
  void noMessageIsLostOrDuplicatedUnderConcurrentSendersAndRandomCancellation() {
    Random seeds = new Random(20);
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      int senders = 2 + r.nextInt(7);
      int perSender = 50 + r.nextInt(500);
      Mailbox kind = randomMailbox(r);
      AtomicIntegerArray sent = new AtomicIntegerArray(senders);
      List<List<Integer>> got = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        got.add(new ArrayList<>());
      }
      Switch.run(sw -> {
        ActorRef<Object> actor = Actors.spawn(sw, "sink", kind, ctx -> {
          ThreadLocalRandom tr = ThreadLocalRandom.current();
          while (true) {
            Object m;
            if (tr.nextInt(4) == 0) {
              // Take one sender's oldest message first: that sender's order must still hold.
              int pick = tr.nextInt(senders);
              m = ctx.receive(x -> x instanceof Msg g && g.sender() == pick, Duration.ZERO)
                  .orElseGet(ctx::receive);
            } else {
              m = ctx.receive();
            }
            if (m instanceof Msg g) {
              got.get(g.sender()).add(g.seq());
            } else {
              @SuppressWarnings("unchecked")
              ActorRef<Boolean> done = (ActorRef<Boolean>) m;
              // Everything sent before the ask is in the mailbox or passed over: take it all.
              for (var left = ctx.receive(Duration.ZERO); left.isPresent();
                  left = ctx.receive(Duration.ZERO)) {
                Msg g = (Msg) left.get();
                got.get(g.sender()).add(g.seq());
              }
              done.send(true);
            }
          }
        });
        List<Cancel.Context> ctxs = new CopyOnWriteArrayList<>();
        Switch.run(senderSw -> {
          for (int s = 0; s < senders; s++) {
            int me = s;
            senderSw.fork(() -> {
              try {
                Cancel.sub(c -> {
                  ctxs.add(c);
                  for (int i = 0; i < perSender; i++) {
                    actor.send(new Msg(me, i));
                    sent.incrementAndGet(me);
                    if (ThreadLocalRandom.current().nextInt(16) == 0) {
                      Fiber.yield();
                    }
                  }
                });
              } catch (Cancelled expected) {
                // picked by the canceller
              }
            });
          }
          senderSw.fork(() -> {
            ThreadLocalRandom tr = ThreadLocalRandom.current();
            for (int k = 0; k < senders / 2; k++) {
              for (int y = tr.nextInt(40); y > 0; y--) {
                Fiber.yield();
              }
              if (!ctxs.isEmpty()) {
                ctxs.get(tr.nextInt(ctxs.size())).cancel(new RuntimeException("chaos"));
              }
            }
          });
        });
        assertTrue(actor.<Boolean>ask(d -> d, Duration.ofSeconds(60)));
      });
      for (int s = 0; s < senders; s++) {
        List<Integer> g = got.get(s);
        assertEquals(sent.get(s), g.size(), "seed " + seed + " sender " + s + " " + kind);
        for (int i = 0; i < g.size(); i++) {
          assertEquals(i, g.get(i), "seed " + seed + " sender " + s + " " + kind);
        }
      }
    }
  }

  /**
   * A switch full of actors cancelled at a random moment: every actor stops, and every message
   * whose send returned was either received or counted as a dead letter, exactly once.
   */
  @Test
  void aCancelledSwitchLeavesNoActorAndEveryMessageIsReceivedOrCounted() throws InterruptedException {
    Random seeds = new Random(21);
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      int actors = 1 + r.nextInt(20);
      int target = r.nextInt(3000);
      AtomicInteger sentOk = new AtomicInteger();
      AtomicInteger received = new AtomicInteger();
      List<ActorRef<Integer>> refs = new CopyOnWriteArrayList<>();
      List<Thread> threads = new CopyOnWriteArrayList<>();
      long deadBefore = Actors.deadLetters();
      assertThrows(Cancelled.class, () -> Cancel.sub(c -> Switch.run(sw -> {
        for (int a = 0; a < actors; a++) {
          refs.add(Actors.spawn(sw, "a" + a, Mailbox.unbounded(), ctx -> {
            threads.add(Thread.currentThread());
            while (true) {
              ctx.receive();
              received.incrementAndGet();
              if (ThreadLocalRandom.current().nextInt(8) == 0) {
                Fiber.yield();
              }
            }
          }));
        }
        for (int s = 0; s < 3; s++) {
          sw.fork(() -> {
            ThreadLocalRandom tr = ThreadLocalRandom.current();
            while (true) {
              refs.get(tr.nextInt(refs.size())).send(1);
              sentOk.incrementAndGet();
              Fiber.yield();
            }
          });
        }
        // Cancel at a random moment: after a random number of messages were sent.
        while (sentOk.get() < target) {
          Fiber.yield();
        }
        c.cancel(new RuntimeException("stop everything"));
        Fiber.awaitCancel();
      })), "seed " + seed);
      for (ActorRef<Integer> a : refs) {
        assertFalse(a.isAlive(), "seed " + seed);
        assertInstanceOf(ExitReason.Cancelled.class, a.awaitExit(), "seed " + seed);
      }
      for (Thread t : threads) {
        // The actor's code has ended; the virtual thread's own teardown may lag a moment.
        assertTrue(t.join(Duration.ofSeconds(30)), "seed " + seed + " " + t);
      }
      assertEquals(
          sentOk.get(), received.get() + (Actors.deadLetters() - deadBefore), "seed " + seed);
    }
  }

  /**
   * Two actors play ping-pong with numbered balls while the replier waits a random while before
   * each reply (nothing, a yield, or a busy wait of up to 40 microseconds), so receivers move
   * between catching messages while spinning, spinning in vain and parking (ADR 38); the switch
   * is cancelled at a random ball. No ball is lost, duplicated or reordered (a lost wake-up
   * would hang the run), both actors stop as cancelled, and every ball whose send returned was
   * received or counted as a dead letter, exactly once.
   */
  @Test
  void pingPongAcrossSpinningAndParkingLosesNoWakeUpAndStopsWhenCancelled() {
    Random seeds = new Random(22);
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      int balls = 200 + r.nextInt(3000);
      int cancelAt = r.nextInt(balls * 2); // past the end half the time: the game finishes
      AtomicInteger sentOk = new AtomicInteger();
      AtomicInteger received = new AtomicInteger();
      AtomicInteger returned = new AtomicInteger(-1);
      List<ActorRef<?>> refs = new CopyOnWriteArrayList<>();
      long deadBefore = Actors.deadLetters();
      try {
        Cancel.sub(c -> Switch.run(sw -> {
          ActorRef<Ball> replier = Actors.spawn(sw, "replier", Mailbox.unbounded(), ctx -> {
            ThreadLocalRandom tr = ThreadLocalRandom.current();
            while (true) {
              Ball b = ctx.receive();
              received.incrementAndGet();
              switch (tr.nextInt(4)) {
                case 0 -> Fiber.yield();
                case 1 -> {
                  long until = System.nanoTime() + tr.nextInt(40_000);
                  while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                  }
                }
                default -> { }
              }
              b.from().send(new Ball(b.n(), ctx.self()));
              sentOk.incrementAndGet();
            }
          });
          refs.add(replier);
          ActorRef<Ball> server = Actors.spawn(sw, "server", Mailbox.unbounded(), ctx -> {
            for (int i = 0; i < balls; i++) {
              if (i == cancelAt) {
                c.cancel(new RuntimeException("stop the game"));
              }
              replier.send(new Ball(i, ctx.self()));
              sentOk.incrementAndGet();
              Ball back = ctx.receive();
              received.incrementAndGet();
              assertEquals(i, back.n(), "seed " + seed);
            }
            returned.set(balls);
          });
          refs.add(server);
          // Bounded, so a lost wake-up fails the run instead of hanging it.
          Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(60))
              .until(() -> !server.isAlive());
        }));
      } catch (Cancelled expected) {
        // the game was stopped at ball cancelAt
      }
      for (ActorRef<?> a : refs) {
        assertFalse(a.isAlive(), "seed " + seed);
      }
      if (cancelAt >= balls) {
        assertEquals(balls, returned.get(), "seed " + seed);
      }
      assertEquals(
          sentOk.get(), received.get() + (Actors.deadLetters() - deadBefore), "seed " + seed);
    }
  }

  record Ball(int n, ActorRef<Ball> from) {}
}
