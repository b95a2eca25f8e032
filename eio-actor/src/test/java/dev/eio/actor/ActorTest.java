package dev.eio.actor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sending, receiving (plain and selective), ask, the switch's ownership, bounded mailboxes. */
@Timeout(30)
class ActorTest {
  static final Duration LONG = Duration.ofSeconds(20);

  record Get(ActorRef<List<Integer>> replyTo) {}

  @Test
  void messagesFromOneSenderArriveInOrder() {
    List<Integer> got = Switch.call(sw -> {
      ActorRef<Object> a = Actors.spawn(sw, "collector", Mailbox.unbounded(), ctx -> {
        List<Integer> seen = new ArrayList<>();
        while (true) {
          Object m = ctx.receive();
          if (m instanceof Get g) {
            g.replyTo().send(seen);
          } else {
            seen.add((Integer) m);
          }
        }
      });
      for (int i = 0; i < 1000; i++) {
        a.send(i);
      }
      return a.ask(Get::new, LONG);
    });
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, got.get(i));
    }
  }

  @Test
  void selectiveReceiveTakesTheFirstMatchAndKeepsTheOthersInOrder() {
    List<String> order = Switch.call(sw -> {
      Promise<List<String>> out = Promise.create();
      ActorRef<String> a = Actors.spawn(sw, "sel", Mailbox.unbounded(), ctx -> {
        List<String> seen = new ArrayList<>();
        // Wait until all five are there, so the test is about order, not timing.
        seen.add(ctx.receive(m -> m.startsWith("x")));
        seen.add(ctx.receive(m -> m.startsWith("b"), LONG).orElseThrow());
        for (int i = 0; i < 4; i++) {
          seen.add(ctx.receive());
        }
        out.resolve(seen);
      });
      for (String m : List.of("a1", "b1", "a2", "b2", "a3", "x")) {
        a.send(m);
      }
      return out.await();
    });
    assertEquals(List.of("x", "b1", "a1", "a2", "b2", "a3"), order);
  }

  @Test
  void selectiveReceiveTimesOutAndKeepsWhatItPassedOver() {
    List<Object> seen = Switch.call(sw -> {
      Promise<List<Object>> out = Promise.create();
      ActorRef<String> a = Actors.spawn(sw, "after", Mailbox.unbounded(), ctx -> {
        List<Object> s = new ArrayList<>();
        s.add(ctx.receive(m -> m.equals("never"), Duration.ofMillis(30)));
        s.add(ctx.receive(Duration.ZERO));
        s.add(ctx.receive(Duration.ZERO));
        s.add(ctx.receive(Duration.ofMillis(10)));
        out.resolve(s);
      });
      a.send("one");
      a.send("two");
      return out.await();
    });
    assertEquals(
        List.of(Optional.empty(), Optional.of("one"), Optional.of("two"), Optional.empty()), seen);
  }

  @Test
  void receiveByTypeMatchesOnlyThatType() {
    Object got = Switch.call(sw -> {
      Promise<Object> out = Promise.create();
      ActorRef<Object> a = Actors.spawn(sw, "typed", Mailbox.unbounded(), ctx -> {
        Integer i = ctx.receive(Integer.class, LONG).orElseThrow();
        out.resolve(i + ":" + ctx.receive());
      });
      a.send("s");
      a.send(7);
      return out.await();
    });
    assertEquals("7:s", got);
  }

  @Test
  void askTimesOutWhenNoReplyComesAndTheLateReplyIsADeadLetter() {
    Switch.run(sw -> {
      AtomicReference<ActorRef<String>> replyTo = new AtomicReference<>();
      ActorRef<ActorRef<String>> silent = Actors.spawn(sw, "silent", Mailbox.unbounded(), ctx -> {
        replyTo.set(ctx.receive());
        ctx.receive(); // never answers in time
      });
      assertThrows(
          dev.eio.Timeout.class,
          () -> silent.<String>ask(r -> r, Duration.ofMillis(20)));
      long before = Actors.deadLetters();
      replyTo.get().send("too late");
      assertEquals(before + 1, Actors.deadLetters());
    });
  }

  @Test
  void askFailsAtOnceWhenTheActorStopsWithoutReplying() {
    Switch.run(sw -> {
      ActorRef<ActorRef<String>> quitter =
          Actors.spawn(sw, "quitter", Mailbox.unbounded(), ctx -> ctx.receive());
      ActorExitException e =
          assertThrows(ActorExitException.class, () -> quitter.<String>ask(r -> r, LONG));
      assertEquals(ExitReason.NORMAL, e.reason());
    });
  }

  @Test
  void askIsCancellable() {
    Switch.run(sw -> {
      ActorRef<ActorRef<String>> silent =
          Actors.spawn(sw, "silent", Mailbox.unbounded(), ctx -> ctx.receive(m -> false));
      assertThrows(
          Cancelled.class,
          () -> Cancel.sub(c -> {
            sw.fork(() -> c.cancel(new RuntimeException("stop asking")));
            silent.<String>ask(r -> r, LONG);
          }));
    });
  }

  @Test
  void noActorOutlivesItsSwitch() throws InterruptedException {
    List<ActorRef<?>> refs = new CopyOnWriteArrayList<>();
    List<Thread> fibers = new CopyOnWriteArrayList<>();
    Switch.run(sw -> {
      for (int i = 0; i < 50; i++) {
        refs.add(Actors.spawn(sw, "idle" + i, Mailbox.unbounded(), ctx -> {
          fibers.add(Thread.currentThread());
          ctx.spawn("child", Mailbox.unbounded(), c -> {
            fibers.add(Thread.currentThread());
            c.receive();
          });
          ctx.receive();
        }));
      }
      await().atMost(LONG).until(() -> fibers.size() == 100);
    });
    for (ActorRef<?> r : refs) {
      assertFalse(r.isAlive(), r.name());
      assertInstanceOf(ExitReason.Cancelled.class, r.awaitExit());
    }
    for (Thread t : fibers) {
      // The actor's code has ended; the virtual thread's own teardown may lag a moment.
      assertTrue(t.join(LONG), t.getName());
    }
  }

  @Test
  void aMessageToAStoppedActorIsADeadLetter() {
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "once", Mailbox.unbounded(), ctx -> ctx.receive());
      a.send("first");
      assertEquals(ExitReason.NORMAL, a.awaitExit());
      long before = Actors.deadLetters();
      a.send("second");
      assertFalse(a.trySend("third"));
      assertEquals(before + 2, Actors.deadLetters());
    });
  }

  @Test
  void aFullBoundedMailboxThatFailsThrows() {
    Switch.run(sw -> {
      Promise<Void> go = Promise.create();
      ActorRef<Integer> a = Actors.spawn(sw, "small", Mailbox.bounded(2, Mailbox.WhenFull.FAIL),
          ctx -> {
            go.await();
            ctx.receive();
          });
      a.send(1);
      a.send(2);
      MailboxFullException e = assertThrows(MailboxFullException.class, () -> a.send(3));
      assertTrue(e.getMessage().contains("small"), e.getMessage());
      assertFalse(a.trySend(3));
      go.resolve(null);
    });
  }

  @Test
  void aFullBoundedMailboxThatWaitsHoldsTheSenderBackUntilThereIsRoom() {
    List<Integer> got = Switch.call(sw -> {
      Promise<List<Integer>> out = Promise.create();
      Promise<Void> go = Promise.create();
      ActorRef<Integer> a = Actors.spawn(sw, "slow", Mailbox.bounded(3, Mailbox.WhenFull.WAIT),
          ctx -> {
            go.await();
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
              seen.add(ctx.receive());
            }
            out.resolve(seen);
          });
      Promise<Void> sent = sw.forkPromise(() -> {
        for (int i = 0; i < 100; i++) {
          a.send(i);
        }
        return null;
      });
      await().atMost(LONG).until(() -> !a.trySend(-1));
      assertFalse(sent.isResolved());
      go.resolve(null);
      sent.await();
      return out.await();
    });
    for (int i = 0; i < 100; i++) {
      assertEquals(i, got.get(i));
    }
  }

  @Test
  void aSenderWaitingForRoomIsCancellableAndItsMessageIsNotDelivered() {
    Switch.run(sw -> {
      Promise<Void> go = Promise.create();
      List<Integer> seen = new CopyOnWriteArrayList<>();
      ActorRef<Integer> a = Actors.spawn(sw, "slow", Mailbox.bounded(1, Mailbox.WhenFull.WAIT),
          ctx -> {
            go.await();
            while (true) {
              seen.add(ctx.receive());
            }
          });
      a.send(1);
      assertThrows(Cancelled.class, () -> Cancel.sub(c -> {
        sw.fork(() -> c.cancel(new RuntimeException("give up")));
        a.send(2);
      }));
      go.resolve(null);
      a.send(3); // waits until the actor has taken 1
      await().atMost(LONG).until(() -> seen.size() == 2);
      assertEquals(List.of(1, 3), seen);
    });
  }

  @Test
  void receiveIsCancellableAndTheActorStopsAsCancelled() {
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "waiter", Mailbox.unbounded(), ctx -> ctx.receive());
      ExitReason r = Switch.call(inner -> {
        ActorRef<String> b = Actors.spawn(inner, "inner", Mailbox.unbounded(), ctx -> ctx.receive());
        return b;
      }).awaitExit();
      assertInstanceOf(ExitReason.Cancelled.class, r);
      assertTrue(a.isAlive());
    });
  }

  @Test
  void theContextBelongsToTheActorsFiber() {
    Switch.run(sw -> {
      Promise<ActorContext<String>> leaked = Promise.create();
      Actors.spawn(sw, "leaky", Mailbox.unbounded(), (ActorContext<String> ctx) -> {
        leaked.resolve(ctx);
        ctx.receive();
      });
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> leaked.await().receive());
      assertTrue(e.getMessage().contains("leaky"), e.getMessage());
    });
  }

  @Test
  void badArgumentsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> Mailbox.bounded(0, Mailbox.WhenFull.FAIL));
    Switch.run(sw -> {
      assertThrows(NullPointerException.class, () -> Actors.spawn(sw, "x", null, ctx -> {}));
      ActorRef<String> a = Actors.spawn(sw, "x", Mailbox.unbounded(), ctx -> ctx.receive());
      assertThrows(NullPointerException.class, () -> a.send(null));
      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> a.ask(r -> "q", Duration.ofSeconds(-1)));
      assertTrue(e.getMessage().contains("timeout"));
    });
  }

  @Test
  void registeredNamesFindLiveActorsAndAreFreedWhenTheyStop() {
    Switch.run(sw -> {
      Registry names = Registry.create(sw);
      ActorRef<String> a = Actors.spawn(sw, "a", Mailbox.unbounded(), ctx -> ctx.receive());
      ActorRef<String> b = Actors.spawn(sw, "b", Mailbox.unbounded(), ctx -> ctx.receive());
      assertTrue(names.register("svc", a));
      assertFalse(names.register("svc", b));
      assertSame(a, names.<String>lookup("svc").orElseThrow());
      a.send("stop");
      a.awaitExit();
      await().atMost(LONG).until(() -> names.lookup("svc").isEmpty());
      assertTrue(names.register("svc", b));
      assertSame(b, names.<String>lookup("svc").orElseThrow());
      assertTrue(names.unregister("svc"));
      assertTrue(names.lookup("svc").isEmpty());
      assertFalse(names.register("gone", a), "a stopped actor takes no name");
      assertTrue(names.lookup("gone").isEmpty());
    });
  }

  @Test
  void anUnobservedFailureFailsTheSwitchWithTheSameException() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Switch.run(sw -> {
      Actors.spawn(sw, "crasher", Mailbox.unbounded(), ctx -> {
        throw boom;
      });
      Names.sleepUntilCancelled();
    }));
    assertSame(boom, e);
  }

  @Test
  void aRegisteredNameDoesNotCountAsObservingAFailure() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(boom, assertThrows(IllegalStateException.class, () -> Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "crasher", Mailbox.unbounded(), ctx -> {
        ctx.receive();
        throw boom;
      });
      Registry.create(sw).register("c", a);
      a.send("go");
      Names.sleepUntilCancelled();
    })));
  }
}
