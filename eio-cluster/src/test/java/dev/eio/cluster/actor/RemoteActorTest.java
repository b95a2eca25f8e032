package dev.eio.cluster.actor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Down;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import dev.eio.workers.CodecException;
import dev.eio.workers.SerializationCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Actors across three in-JVM members and a client: spawn, references, ask, monitors, limits. */
@Timeout(120)
class RemoteActorTest {
  static final Duration ASK = Duration.ofSeconds(20);

  record Echo(String text, ActorRef<String> replyTo) implements Serializable {}

  /** Asks {@code target} for an echo of {@code text} and answers the echo to {@code replyTo}. */
  record Relay(ActorRef<Echo> target, String text, ActorRef<String> replyTo) implements Serializable {}

  /** Tells a {@link #stopper} how to end. */
  record End(String how) implements Serializable {}

  /** A monitor's notice, in the watcher's own type. */
  record Died(Down down) {}

  static final SerializationCodec CODEC =
      SerializationCodec.defaults().allowing(RemoteActorTest.class, Echo.class, Relay.class, End.class);

  static ActorNodes nodes;

  @BeforeAll
  static void up() throws Exception {
    nodes = new ActorNodes("remote-actors", 3, CODEC);
  }

  @AfterAll
  static void down() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
  }

  static void echo(ActorContext<Echo> ctx) {
    while (true) {
      Echo e = ctx.receive();
      e.replyTo().send(e.text());
    }
  }

  static void relay(ActorContext<Relay> ctx) {
    while (true) {
      Relay r = ctx.receive();
      String answer = r.target().ask(reply -> new Echo(r.text(), reply), ASK);
      r.replyTo().send("via relay: " + answer);
    }
  }

  static void stopper(ActorContext<End> ctx) {
    switch (ctx.receive().how()) {
      case "fail" -> throw new IllegalStateException("told to fail");
      case "cancel" -> throw new dev.eio.Cancelled("told to stop");
      default -> {} // returns: a normal stop
    }
  }

  static void silent(ActorContext<Echo> ctx) {
    while (true) {
      ctx.receive();
    }
  }

  @Test
  void anActorSpawnedOnAChosenMemberAnswersAsksFromEveryMemberThroughReferencesInMessages() {
    Eio.run(env -> Switch.run(sw -> {
      ActorNodes.Node a = nodes.get(0);
      ActorNodes.Node c = nodes.get(2);
      ActorRef<Echo> echo = a.actors.spawnOn(c.address(), "echo", Mailbox.unbounded(), RemoteActorTest::echo);
      assertEquals("echo", echo.name());
      assertEquals("hi", echo.<String>ask(r -> new Echo("hi", r), ASK));
      assertTrue(echo.isAlive());
      // A relay on the middle member gets the echo's reference in a message and asks it there.
      ActorRef<Relay> relay =
          a.actors.spawnOn(nodes.get(1).address(), "relay", Mailbox.unbounded(), RemoteActorTest::relay);
      for (int i = 0; i < 5; i++) {
        int n = i;
        assertEquals("via relay: x" + n, relay.<String>ask(r -> new Relay(echo, "x" + n, r), ASK));
      }
      // Spawned on the member that asks: the reference read back is the local actor itself.
      ActorRef<Echo> home = a.actors.spawnOn(a.address(), "home", Mailbox.unbounded(), RemoteActorTest::echo);
      assertEquals("local", home.<String>ask(r -> new Echo("local", r), ASK));
      assertFalse(home.getClass().getSimpleName().contains("Remote"), home.getClass().toString());
    }));
  }

  @Test
  void aLocalActorsReferenceSentToAnotherMemberArrivesThereAsAUsableReference() {
    Eio.run(env -> Switch.run(sw -> {
      ActorRef<Echo> echo =
          nodes.get(0).actors.spawnOn(nodes.get(1).address(), "echo2", Mailbox.unbounded(), RemoteActorTest::echo);
      LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
      ActorRef<String> local = Actors.spawn(sw, "listener", Mailbox.unbounded(), ctx -> {
        while (true) {
          got.add(ctx.receive());
        }
      });
      for (int i = 0; i < 10; i++) {
        echo.send(new Echo("m" + i, local));
      }
      for (int i = 0; i < 10; i++) {
        assertEquals("m" + i, got.poll(20, TimeUnit.SECONDS));
      }
    }));
  }

  @Test
  void aClientSpawnsOnAnyMemberAsksAndGetsRepliesInItsInbox() throws Exception {
    ActorNodes.Node client = nodes.addClient();
    try {
      Eio.run(env -> Switch.run(sw -> {
        ActorRef<Echo> echo = client.actors.spawn("echo-any", Mailbox.unbounded(), RemoteActorTest::echo);
        for (int i = 0; i < 5; i++) {
          int n = i;
          assertEquals("c" + n, echo.<String>ask(r -> new Echo("c" + n, r), ASK));
        }
        ActorRef<End> s = client.actors.spawn("stopper-c", Mailbox.unbounded(), RemoteActorTest::stopper);
        CompletableFuture<ExitReason> end = new CompletableFuture<>();
        s.onExit(end::complete);
        s.send(new End("normal"));
        assertEquals(ExitReason.NORMAL, end.get(20, TimeUnit.SECONDS));
      }));
    } finally {
      client.leave();
    }
  }

  @Test
  void aClientKeepsReceivingWhenTheMemberHoldingItsInboxDies() throws Exception {
    // A client's deliveries wait in a queue whose partition lives on some member; killing that
    // member once failed the client's poll and with it the client's switch (seen in
    // ClusterActorExamplesTest, about one run in three). A cluster of its own, so that the
    // member killed here may be any of them.
    try (ActorNodes own = new ActorNodes("inbox-owner", 3, CODEC)) {
      ActorNodes.Node client = own.addClient();
      // The client's inbox is created by its polling fiber, which may not have run yet.
      String inbox =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      client.cluster.hazelcast().getDistributedObjects().stream()
                          .map(o -> o.getName())
                          .filter(n -> n.startsWith("eio.actor.inbox."))
                          .findFirst(),
                  java.util.Optional::isPresent)
              .orElseThrow();
      java.util.UUID owner =
          own.get(0).cluster.hazelcast().getPartitionService().getPartition(inbox).getOwner().getUuid();
      ActorNodes.Node doomed =
          own.nodes.stream()
              .filter(n -> n.cluster.hazelcast().getCluster().getLocalMember().getUuid().equals(owner))
              .findFirst()
              .orElseThrow();
      ActorNodes.Node alive = own.nodes.stream().filter(n -> n != doomed && n != client).findFirst().orElseThrow();
      doomed.cluster.hazelcast().getLifecycleService().terminate(); // no goodbye
      Eio.run(env -> Switch.run(sw -> {
        ActorRef<Echo> echo = client.actors.spawnOn(alive.address(), "echo-after", Mailbox.unbounded(), RemoteActorTest::echo);
        // Replies go to the client's inbox: a reply sent while the partition moves may be lost
        // (at most once), so ask until one comes back.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          try {
            return "back".equals(echo.<String>ask(r -> new Echo("back", r), Duration.ofSeconds(2)));
          } catch (dev.eio.Timeout e) {
            return false;
          }
        });
        assertTrue(client.owner.isAlive(), "the client's switch ended");
      }));
    }
  }

  @Test
  void monitorsAcrossMembersReportTheRealReason() {
    Eio.run(env -> Switch.run(sw -> {
      ClusterActors from = nodes.get(0).actors;
      String at = nodes.get(2).address();
      for (String how : List.of("normal", "fail", "cancel")) {
        ActorRef<End> target = from.spawnOn(at, "stopper-" + how, Mailbox.unbounded(), RemoteActorTest::stopper);
        CompletableFuture<Down> seen = new CompletableFuture<>();
        CompletableFuture<Void> placed = new CompletableFuture<>();
        Actors.spawn(sw, "watcher", Mailbox.unbounded(), (ActorContext<Died> ctx) -> {
          ctx.monitor(target, Died::new);
          placed.complete(null);
          seen.complete(ctx.receive().down());
        });
        // The monitor request and this message leave the same node for the same host: in order,
        // so the monitor is in place before the actor ends (else its failure would be unheard).
        placed.get(20, TimeUnit.SECONDS);
        target.send(new End(how));
        Down down = seen.get(20, TimeUnit.SECONDS);
        assertEquals(target, down.actor());
        switch (how) {
          case "normal" -> assertEquals(ExitReason.NORMAL, down.reason());
          case "fail" -> {
            ExitReason.Failed f = assertInstanceOf(ExitReason.Failed.class, down.reason());
            assertEquals("told to fail", f.failure().getMessage());
            assertInstanceOf(IllegalStateException.class, f.failure());
          }
          default -> assertInstanceOf(ExitReason.Cancelled.class, down.reason());
        }
        ExitReason again = target.awaitExit(); // a second watch, placed after the end
        assertEquals(down.reason().getClass(), again.getClass());
        assertEquals(String.valueOf(down.reason()), String.valueOf(again));
        assertFalse(target.isAlive());
      }
    }));
  }

  @Test
  void aMemberThatDiesEndsItsActorsWatchesWithMemberGoneAndItsMessagesBecomeDeadLetters() throws Exception {
    ActorNodes.Node doomed = nodes.addMember();
    try {
      Eio.run(env -> Switch.run(sw -> {
        ClusterActors from = nodes.get(0).actors;
        ActorRef<Echo> victim = from.spawnOn(doomed.address(), "victim", Mailbox.unbounded(), RemoteActorTest::silent);
        ActorRef<Echo> mute = from.spawnOn(doomed.address(), "mute", Mailbox.unbounded(), RemoteActorTest::silent);
        CompletableFuture<Down> seen = new CompletableFuture<>();
        Actors.spawn(sw, "watcher", Mailbox.unbounded(), (ActorContext<Died> ctx) -> {
          ctx.monitor(victim, Died::new);
          seen.complete(ctx.receive().down());
        });
        CompletableFuture<ExitReason> plain = new CompletableFuture<>();
        victim.onExit(plain::complete);
        assertEquals("still", nodes.get(1).actors.spawnOn(nodes.get(2).address(), "e", Mailbox.unbounded(),
            RemoteActorTest::echo).<String>ask(r -> new Echo("still", r), ASK));
        // An ask in flight when the member dies fails at once, naming why.
        CompletableFuture<Throwable> asked = new CompletableFuture<>();
        sw.fork(() -> {
          try {
            mute.<String>ask(r -> new Echo("?", r), Duration.ofSeconds(60));
          } catch (Throwable t) {
            asked.complete(t);
          }
        });
        doomed.cluster.hazelcast().getLifecycleService().terminate(); // no goodbye
        ExitReason.MemberGone gone = assertInstanceOf(ExitReason.MemberGone.class, seen.get(30, TimeUnit.SECONDS).reason());
        assertTrue(gone.member().contains(doomed.address()), gone.member());
        assertInstanceOf(ExitReason.MemberGone.class, plain.get(5, TimeUnit.SECONDS));
        ActorExitException e = assertInstanceOf(ActorExitException.class, asked.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ExitReason.MemberGone.class, e.reason());
        assertFalse(victim.isAlive());
        long before = Actors.deadLetters();
        assertFalse(victim.trySend(new Echo("late", null)));
        victim.send(new Echo("late", null));
        assertEquals(2, Actors.deadLetters() - before);
        // Watching after the loss answers at once.
        assertInstanceOf(ExitReason.MemberGone.class, victim.awaitExit());
      }));
    } finally {
      doomed.leave();
    }
  }

  @Test
  void messagesToAStoppedRemoteActorAreCountedAsDeadLettersOnItsMember() {
    Eio.run(env -> Switch.run(sw -> {
      ClusterActors host = nodes.get(2).actors;
      ActorRef<End> s = nodes.get(0).actors.spawnOn(nodes.get(2).address(), "quitter", Mailbox.unbounded(),
          RemoteActorTest::stopper);
      s.send(new End("normal"));
      assertEquals(ExitReason.NORMAL, s.awaitExit());
      long before = Actors.deadLetters();
      long refusedBefore = host.refused();
      for (int i = 0; i < 3; i++) {
        s.send(new End("again"));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> host.refused() - refusedBefore == 3);
      assertTrue(Actors.deadLetters() - before >= 3);
    }));
  }

  @Test
  void anAskWithoutAReplyTimesOutAndLinksToRemoteActorsAreRefused() {
    Eio.run(env -> Switch.run(sw -> {
      ActorRef<Echo> mute = nodes.get(0).actors.spawnOn(nodes.get(1).address(), "mute", Mailbox.unbounded(),
          RemoteActorTest::silent);
      assertThrows(dev.eio.Timeout.class, () -> mute.<String>ask(r -> new Echo("?", r), Duration.ofMillis(300)));
      CompletableFuture<Throwable> linked = new CompletableFuture<>();
      Actors.spawn(sw, "linker", Mailbox.unbounded(), ctx -> {
        try {
          ctx.link(mute);
        } catch (Throwable t) {
          linked.complete(t);
        }
      });
      assertInstanceOf(IllegalArgumentException.class, linked.get(10, TimeUnit.SECONDS));
    }));
  }

  @Test
  void aMessageOffTheAllowListOrALocalReferenceOutsideAMessageFailsAtTheSender() {
    Eio.run(env -> Switch.run(sw -> {
      ActorRef<Object> any = nodes.get(0).actors.spawnOn(nodes.get(1).address(), "any", Mailbox.unbounded(),
          ctx -> {
            while (true) {
              ctx.receive();
            }
          });
      record NotListed(int x) implements Serializable {}
      // Encoding does not check the list; the member's decode does: refused there, not here.
      long refused = nodes.get(1).actors.refused();
      any.send(new NotListed(1));
      await().atMost(Duration.ofSeconds(20)).until(() -> nodes.get(1).actors.refused() == refused + 1);
      assertThrows(CodecException.class, () -> any.send(new Object()));
      ActorRef<String> local = Actors.spawn(sw, "l", Mailbox.unbounded(), ctx -> {});
      assertThrows(CodecException.class, () -> CODEC.encode(local));
    }));
  }
}
