package dev.eio.cluster.actor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Mailbox;
import dev.eio.workers.SerializationCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Order per sender and receiver across members: many messages from several senders on two
 * members (and from plain fibers) to one actor on a third; Hazelcast's executor threads would
 * reorder them, the receiving node must put them back. Sizes scale with {@code
 * eio.stress.iterations}.
 */
@Timeout(180)
class OrderTest {
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 2);
  static final Duration ASK = Duration.ofSeconds(30);

  /** Message {@code n} (from 0) of sender {@code from}. */
  record Count(int from, int n) implements Serializable {}

  /** Tells a sender actor to send {@code count} messages to {@code to} as sender {@code id}. */
  record Go(ActorRef<? super Count> to, int id, int count, ActorRef<Boolean> done) implements Serializable {}

  /** Asks the receiver for what it saw: per sender, how many and how many out of order. */
  record Tally(ActorRef<Map<Integer, int[]>> replyTo) implements Serializable {}

  static ActorNodes nodes;

  @BeforeAll
  static void up() throws Exception {
    nodes = new ActorNodes("actor-order", 3,
        SerializationCodec.defaults().allowing(OrderTest.class, Count.class, Go.class, Tally.class, int[].class));
  }

  @AfterAll
  static void down() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
  }

  /** Counts per sender, and how often a message came other than next in line. */
  static void receiver(ActorContext<Object> ctx) {
    Map<Integer, int[]> seen = new HashMap<>(); // sender -> {received, out of order}
    while (true) {
      switch (ctx.receive()) {
        case Count c -> {
          int[] s = seen.computeIfAbsent(c.from(), k -> new int[2]);
          if (c.n() != s[0]) {
            s[1]++;
          }
          s[0]++;
        }
        case Tally t -> {
          Map<Integer, int[]> copy = new HashMap<>();
          seen.forEach((k, v) -> copy.put(k, v.clone()));
          t.replyTo().send(copy);
        }
        default -> throw new IllegalStateException("unexpected");
      }
    }
  }

  static void sender(ActorContext<Go> ctx) {
    Go g = ctx.receive();
    for (int i = 0; i < g.count(); i++) {
      g.to().send(new Count(g.id(), i));
    }
    g.done().send(true);
  }

  @Test
  void messagesFromEachSenderArriveInTheOrderSentAcrossMembers() {
    for (int it = 0; it < ITERATIONS; it++) {
      Random r = new Random(it);
      int perSender = 500 + r.nextInt(1500);
      int remoteSenders = 4;
      int fiberSenders = 2;
      Eio.run(env -> Switch.run(sw -> {
        ClusterActors a = nodes.get(0).actors;
        ActorRef<Object> receiver =
            a.spawnOn(nodes.get(2).address(), "receiver", Mailbox.unbounded(), OrderTest::receiver);
        List<ActorRef<Go>> senders = new ArrayList<>();
        for (int i = 0; i < remoteSenders; i++) {
          senders.add(a.spawnOn(nodes.get(i % 2).address(), "sender-" + i, Mailbox.unbounded(), OrderTest::sender));
        }
        ActorRef<Boolean> doneBox = Actors.spawn(sw, "done", Mailbox.unbounded(), ctx -> {
          for (int i = 0; i < remoteSenders; i++) {
            ctx.receive();
          }
        });
        for (int i = 0; i < remoteSenders; i++) {
          senders.get(i).send(new Go(receiver, i, perSender, doneBox));
        }
        // Plain fibers on this member send too, through the same node.
        Fiber.forEach(List.of(100, 101), fiberSenders, id -> {
          for (int i = 0; i < perSender; i++) {
            receiver.send(new Count(id, i));
          }
        });
        assertNotNull(doneBox.awaitExit());
        int senderCount = remoteSenders + fiberSenders;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
          Map<Integer, int[]> t = receiver.ask(Tally::new, ASK);
          return t.size() == senderCount && t.values().stream().allMatch(v -> v[0] == perSender);
        });
        Map<Integer, int[]> t = receiver.ask(Tally::new, ASK);
        for (Map.Entry<Integer, int[]> e : t.entrySet()) {
          assertEquals(0, e.getValue()[1], "sender " + e.getKey() + ": messages out of order");
        }
      }));
    }
  }
}
