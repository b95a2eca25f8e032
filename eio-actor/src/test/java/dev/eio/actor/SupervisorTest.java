package dev.eio.actor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Time;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Restarts one-for-one and one-for-all, the restart limit, escalation to the switch. */
@Timeout(30)
class SupervisorTest {
  static final Duration LONG = Duration.ofSeconds(20);
  static final Duration PERIOD = Duration.ofHours(1);

  /** A child that counts its starts, answers "ping" with its start count, crashes on "crash". */
  private static Behavior<Object> crashable(AtomicInteger starts) {
    return ctx -> {
      int me = starts.incrementAndGet();
      while (true) {
        Object m = ctx.receive();
        if (m instanceof ActorRef<?> r) {
          @SuppressWarnings("unchecked")
          ActorRef<Integer> reply = (ActorRef<Integer>) r;
          reply.send(me);
        } else if ("crash".equals(m)) {
          throw new IllegalStateException("crash of start " + me);
        }
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static int ping(ActorRef<Object> a) {
    return a.<Integer>ask(r -> r, LONG);
  }

  @Test
  void oneForOneRestartsOnlyTheFailedChildKeepingItsReferenceAndMailbox() {
    Switch.run(sw -> {
      Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ONE, 3, PERIOD);
      AtomicInteger as = new AtomicInteger();
      AtomicInteger bs = new AtomicInteger();
      ActorRef<Object> a = sup.spawn("a", Mailbox.unbounded(), crashable(as));
      ActorRef<Object> b = sup.spawn("b", Mailbox.unbounded(), crashable(bs));
      assertEquals(1, ping(a));
      assertEquals(1, ping(b));
      a.send("crash");
      // Queued behind the crash: answered by the restarted child, nothing lost.
      assertEquals(2, ping(a));
      assertEquals(1, ping(b));
      assertEquals(1, sup.restarts());
      assertTrue(a.isAlive());
    });
  }

  @Test
  void oneForAllRestartsEveryChildAfterAllHaveStopped() {
    Switch.run(sw -> {
      Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ALL, 3, PERIOD);
      AtomicInteger as = new AtomicInteger();
      AtomicInteger bs = new AtomicInteger();
      AtomicInteger cs = new AtomicInteger();
      List<String> events = new CopyOnWriteArrayList<>();
      Promise<Void> aRestarted = Promise.create();
      ActorRef<Object> a = sup.spawn("a", Mailbox.unbounded(), ctx -> {
        int me = as.get() + 1;
        events.add("a start " + me);
        if (me == 2) {
          aRestarted.resolve(null);
        }
        crashable(as).run(ctx);
      });
      ActorRef<Object> b = sup.spawn("b", Mailbox.unbounded(), ctx -> {
        int me = bs.get() + 1;
        try {
          crashable(bs).run(ctx);
        } finally {
          if (me == 1) {
            // A slow stop: were a started again before b stopped, it would show up here.
            Cancel.protect(() -> Time.withTimeout(Duration.ofMillis(300), aRestarted::await));
          }
          events.add("b stop " + me);
        }
      });
      ActorRef<Object> c = sup.spawn("c", Mailbox.unbounded(), crashable(cs));
      assertEquals(1, ping(a));
      assertEquals(1, ping(b));
      assertEquals(1, ping(c));
      a.send("crash");
      assertEquals(2, ping(a));
      assertEquals(2, ping(b));
      assertEquals(2, ping(c));
      assertEquals(List.of("a start 1", "b stop 1", "a start 2"), events);
      assertEquals(1, sup.restarts());
    });
  }

  @Test
  void tooManyRestartsEscalateToTheSwitch() {
    for (Supervisor.Strategy s : Supervisor.Strategy.values()) {
      List<ActorRef<Object>> kids = new CopyOnWriteArrayList<>();
      AtomicInteger starts = new AtomicInteger();
      SupervisorGaveUpException e = assertThrows(SupervisorGaveUpException.class,
          () -> Switch.run(sw -> {
            Supervisor sup = Supervisor.start(sw, s, 2, PERIOD);
            ActorRef<Object> a = sup.spawn("a", Mailbox.unbounded(), crashable(starts));
            kids.add(a);
            kids.add(sup.spawn("bystander", Mailbox.unbounded(), ctx -> ctx.receive()));
            for (int i = 1; i <= 2; i++) {
              a.send("crash");
              int want = i + 1;
              await().atMost(LONG).until(() -> starts.get() == want);
            }
            a.send("crash"); // the third failure within the period
            Names.sleepUntilCancelled();
          }), s.name());
      assertEquals("crash of start 3", e.getCause().getMessage(), s.name());
      for (ActorRef<Object> k : kids) {
        assertFalse(k.isAlive());
      }
      assertInstanceOf(ExitReason.Failed.class, kids.get(0).awaitExit());
      assertInstanceOf(ExitReason.Cancelled.class, kids.get(1).awaitExit());
    }
  }

  @Test
  void restartsOlderThanThePeriodDoNotCount() {
    Switch.run(sw -> {
      Supervisor sup =
          Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ONE, 1, Duration.ofMillis(1));
      AtomicInteger starts = new AtomicInteger();
      ActorRef<Object> a = sup.spawn("a", Mailbox.unbounded(), crashable(starts));
      for (int i = 1; i <= 5; i++) {
        long t0 = System.nanoTime();
        await().atMost(LONG).until(() -> System.nanoTime() - t0 > 2_000_000);
        a.send("crash");
        assertEquals(i + 1, ping(a));
      }
      assertFalse(sup.hasGivenUp());
      assertEquals(5, sup.restarts());
    });
  }

  @Test
  void zeroRestartsGivesUpAtTheFirstFailure() {
    assertThrows(SupervisorGaveUpException.class, () -> Switch.run(sw -> {
      Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ONE, 0, PERIOD);
      sup.spawn("a", Mailbox.unbounded(), crashable(new AtomicInteger())).send("crash");
      Names.sleepUntilCancelled();
    }));
  }

  @Test
  void aChildThatReturnsIsNotRestarted() {
    Switch.run(sw -> {
      Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ALL, 3, PERIOD);
      AtomicInteger starts = new AtomicInteger();
      ActorRef<Object> a = sup.spawn("a", Mailbox.unbounded(), ctx -> {
        starts.incrementAndGet();
        ctx.receive();
      });
      a.send("done");
      assertEquals(ExitReason.NORMAL, a.awaitExit());
      assertEquals(1, starts.get());
      assertEquals(0, sup.restarts());
    });
  }
}
