package dev.eio.actor;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Promise;
import dev.eio.Switch;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Monitors (normal, failed, cancelled), links both ways, trapping exits. */
@Timeout(30)
class MonitorLinkTest {
  static final Duration LONG = Duration.ofSeconds(20);

  sealed interface Msg {}

  record Text(String s) implements Msg {}

  record Died(Down down) implements Msg {}

  record Exited(Exit exit) implements Msg {}

  /** Spawns a watcher that monitors {@code target} and resolves the Down it receives. */
  private static Promise<Down> watch(Switch sw, ActorRef<?> target) {
    Promise<Down> got = Promise.create();
    Promise<Void> watching = Promise.create();
    Actors.spawn(sw, "watcher", Mailbox.unbounded(), (ActorContext<Msg> ctx) -> {
      ctx.monitor(target, Died::new);
      watching.resolve(null);
      got.resolve(((Died) ctx.receive(m -> m instanceof Died)).down());
    });
    watching.await();
    return got;
  }

  @Test
  void aMonitorHearsOfANormalStop() {
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "a", Mailbox.unbounded(), ctx -> ctx.receive());
      Promise<Down> down = watch(sw, a);
      a.send("bye");
      assertEquals(new Down(a, ExitReason.NORMAL), down.await());
    });
  }

  @Test
  void aMonitorHearsOfAFailureWithTheException() {
    RuntimeException boom = new RuntimeException("boom");
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "a", Mailbox.unbounded(), ctx -> {
        ctx.receive();
        throw boom;
      });
      Promise<Down> down = watch(sw, a);
      a.send("crash");
      assertEquals(new ExitReason.Failed(boom), down.await().reason());
    });
  }

  @Test
  void aMonitorHearsOfACancellation() {
    Switch.run(sw -> {
      Promise<Down> down = Promise.create();
      Switch.run(inner -> {
        ActorRef<String> a = Actors.spawn(inner, "a", Mailbox.unbounded(), ctx -> ctx.receive());
        a.onExit(r -> down.resolve(new Down(a, r)));
      });
      assertInstanceOf(ExitReason.Cancelled.class, down.await().reason());
    });
  }

  @Test
  void monitoringAStoppedActorDeliversTheDownAtOnce() {
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "a", Mailbox.unbounded(), ctx -> {});
      a.awaitExit();
      assertEquals(ExitReason.NORMAL, watch(sw, a).await().reason());
    });
  }

  @Test
  void aRemovedMonitorStaysSilent() {
    Switch.run(sw -> {
      ActorRef<String> a = Actors.spawn(sw, "a", Mailbox.unbounded(), ctx -> ctx.receive());
      Promise<Object> got = Promise.create();
      Promise<Boolean> removed = Promise.create();
      ActorRef<Msg> w = Actors.spawn(sw, "w", Mailbox.unbounded(), (ActorContext<Msg> ctx) -> {
        ActorRef.ExitHandle h = ctx.monitor(a, Died::new);
        removed.resolve(h.remove());
        ctx.receive(); // "a stopped" from the test
        got.resolve(ctx.receive(Duration.ofMillis(50)));
      });
      assertTrue(removed.await());
      a.send("bye");
      a.awaitExit();
      w.send(new Text("a stopped"));
      assertEquals(java.util.Optional.empty(), got.await());
    });
  }

  @Test
  void aFailureSpreadsOverALinkBothWays() {
    RuntimeException boom = new RuntimeException("boom");
    for (boolean fromParent : new boolean[] {true, false}) {
      Switch.run(sw -> {
        Promise<ActorRef<String>> child = Promise.create();
        ActorRef<String> parent = Actors.spawn(sw, "parent", Mailbox.unbounded(), ctx -> {
          child.resolve(ctx.spawnLinked("child", Mailbox.unbounded(), c -> {
            c.receive();
            throw boom;
          }));
          ctx.receive();
          throw boom;
        });
        ActorRef<String> c = child.await();
        Promise<Down> pd = watch(sw, parent);
        Promise<Down> cd = watch(sw, c);
        (fromParent ? parent : c).send("crash");
        ActorRef<String> victim = fromParent ? c : parent;
        ExitReason failed = (fromParent ? pd : cd).await().reason();
        assertEquals(new ExitReason.Failed(boom), failed);
        ExitReason linked = (fromParent ? cd : pd).await().reason();
        ActorExitException e = assertInstanceOf(
            ActorExitException.class, ((ExitReason.Failed) linked).failure());
        assertSame(boom, e.getCause());
        assertEquals(failed, e.reason());
        assertFalse(victim.isAlive());
      });
    }
  }

  @Test
  void aNormalStopDoesNotSpreadOverALink() {
    Switch.run(sw -> {
      Promise<ActorRef<String>> child = Promise.create();
      ActorRef<String> parent = Actors.spawn(sw, "parent", Mailbox.unbounded(), ctx -> {
        child.resolve(ctx.spawnLinked("child", Mailbox.unbounded(), c -> c.receive()));
        ctx.receive();
      });
      child.await().send("done");
      assertEquals(ExitReason.NORMAL, child.await().awaitExit());
      assertTrue(parent.isAlive());
      parent.send("done");
    });
  }

  @Test
  void anActorThatTrapsExitsGetsAMessageInsteadOfStopping() {
    RuntimeException boom = new RuntimeException("boom");
    Switch.run(sw -> {
      Promise<Exit> got = Promise.create();
      Promise<ActorRef<String>> child = Promise.create();
      ActorRef<Msg> parent = Actors.spawn(sw, "parent", Mailbox.unbounded(),
          (ActorContext<Msg> ctx) -> {
            ctx.trapExits(Exited::new);
            child.resolve(ctx.spawnLinked("child", Mailbox.unbounded(), c -> {
              c.receive();
              throw boom;
            }));
            got.resolve(((Exited) ctx.receive(m -> m instanceof Exited)).exit());
            ctx.receive();
          });
      child.await().send("crash");
      Exit e = got.await();
      assertSame(child.await(), e.from());
      assertEquals(new ExitReason.Failed(boom), e.reason());
      assertTrue(parent.isAlive());
      parent.send(new Text("done"));
      assertEquals(ExitReason.NORMAL, parent.awaitExit());
    });
  }

  @Test
  void linkingToAStoppedActorActsAtOnce() {
    RuntimeException boom = new RuntimeException("boom");
    Switch.run(sw -> {
      ActorRef<String> dead = Actors.spawn(sw, "dead", Mailbox.unbounded(), ctx -> {
        ctx.receive();
        throw boom;
      });
      // A watcher observes the failure, so it does not fail the switch.
      Promise<Down> dd = watch(sw, dead);
      dead.send("crash");
      dd.await();
      ActorRef<String> late = Actors.spawn(sw, "late", Mailbox.unbounded(), ctx -> {
        ctx.receive();
        ctx.link(dead);
        ctx.receive();
      });
      Promise<Down> ld = watch(sw, late);
      late.send("link now");
      ExitReason r = ld.await().reason();
      assertInstanceOf(ActorExitException.class, ((ExitReason.Failed) r).failure());
    });
  }

  @Test
  void unlinkedActorsNoLongerSpreadFailures() {
    RuntimeException boom = new RuntimeException("boom");
    Switch.run(sw -> {
      Promise<ActorRef<String>> child = Promise.create();
      Promise<Void> unlinked = Promise.create();
      ActorRef<String> parent = Actors.spawn(sw, "parent", Mailbox.unbounded(), ctx -> {
        ActorRef<String> c = ctx.spawnLinked("child", Mailbox.unbounded(), cc -> {
          cc.receive();
          throw boom;
        });
        ctx.unlink(c);
        child.resolve(c);
        unlinked.resolve(null);
        ctx.receive();
      });
      unlinked.await();
      Promise<Down> cd = watch(sw, child.await());
      child.await().send("crash");
      assertEquals(new ExitReason.Failed(boom), cd.await().reason());
      assertTrue(parent.isAlive());
      parent.send("done");
      assertEquals(ExitReason.NORMAL, parent.awaitExit());
    });
  }

  @Test
  void aChainOfLinksWithNobodyTrappingFailsTheSwitch() {
    RuntimeException boom = new RuntimeException("boom");
    Throwable t = assertThrows(ActorExitException.class, () -> Switch.run(sw -> {
      Actors.spawn(sw, "parent", Mailbox.unbounded(), ctx -> {
        ctx.spawnLinked("child", Mailbox.unbounded(), c -> {
          throw boom;
        });
        ctx.receive();
      });
      Names.sleepUntilCancelled();
    }));
    assertSame(boom, t.getCause());
  }
}
