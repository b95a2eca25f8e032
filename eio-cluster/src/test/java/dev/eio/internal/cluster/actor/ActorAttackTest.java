package dev.eio.internal.cluster.actor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Mailbox;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.actor.ClusterActors;
import dev.eio.internal.cluster.actor.ActorWire.RefForm;
import dev.eio.internal.cluster.core.HazelcastSetup;
import dev.eio.workers.CodecException;
import dev.eio.workers.DecodeLimits;
import dev.eio.workers.SerializationCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker that reaches a member's port and speaks Hazelcast: it injects deliveries by hand
 * (forged tokens, a class off the allow-list, bytes over the limits, a forged reference) next to
 * an actor it holds a real reference to. Nothing of it may reach the actor or run any code.
 */
@Timeout(120)
class ActorAttackTest {
  static final int MAX_BYTES = 64 * 1024;
  static final LinkedBlockingQueue<Object> RECEIVED = new LinkedBlockingQueue<>();

  /** Code that must never run: it is not on the allow-list. */
  static final class Gadget implements Serializable {
    static final AtomicBoolean RAN = new AtomicBoolean();
    private static final long serialVersionUID = 1L;

    @java.io.Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      RAN.set(true);
      in.defaultReadObject();
    }
  }

  /** A message carrying a reference the victim will use. */
  record Forward(ActorRef<Object> to) implements Serializable {}

  static void victim(ActorContext<Object> ctx) {
    while (true) {
      Object m = ctx.receive();
      RECEIVED.add(m);
      if (m instanceof Forward f) {
        f.to().send("to the forged reference");
      }
    }
  }

  private static byte[] javaSerialized(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  @Test
  void injectedDeliveriesWithForgedTokensGadgetsOrOversizedBytesReachNoActorAndRunNoCode() {
    SerializationCodec codec = SerializationCodec.defaults()
        .allowing(ActorAttackTest.class, Forward.class)
        .withLimits(DecodeLimits.defaults().withMaxBytes(MAX_BYTES));
    Eio.run(env -> Switch.run(sw -> {
      List<String> addresses = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ports.add(HazelcastSetup.freePort("127.0.0.1"));
        addresses.add("127.0.0.1:" + ports.get(i));
      }
      ClusterConfig cfg = ClusterConfig.local("attack-" + UUID.randomUUID()).withCodec(codec).withMembers(addresses);
      Cluster a = Cluster.join(env, sw, cfg.withPort(ports.get(0)).withExpectedMembers(1));
      Cluster b = Cluster.join(env, sw, cfg.withPort(ports.get(1)).withExpectedMembers(2));
      ClusterActors fromA = ClusterActors.start(sw, a);
      ClusterActors atB = ClusterActors.start(sw, b);
      ActorRef<Object> victim = fromA.spawnOn(addresses.get(1), "victim", Mailbox.unbounded(), ActorAttackTest::victim);
      RefForm real = ((RemoteRef<?>) victim).form();

      // The sender's own checks: over the limits, it never leaves.
      assertThrows(CodecException.class, () -> victim.send(new byte[MAX_BYTES + 1]));

      Member target = null;
      for (Member m : a.hazelcast().getCluster().getMembers()) {
        if (m.getUuid().equals(real.host())) {
          target = m;
        }
      }
      IExecutorService raw = a.hazelcast().getExecutorService(Node.EXECUTOR);
      UUID attacker = UUID.randomUUID();
      long refusedBefore = atB.refused();
      long deadBefore = Actors.deadLetters();
      RefForm forged = new RefForm(false, real.host(), UUID.randomUUID(), "victim", real.address());
      byte[][] payloads = {
        codec.encode("hello"), // 1: a good message, a guessed token
        javaSerialized(new Gadget()), // 2: a class off the list, the real token
        new byte[MAX_BYTES + 1], // 3: over the limits, the real token
        null, // 4: below
        codec.encode("probe"), // 5: a good message, the real token
      };
      // 4: a message holding a forged reference (a token nobody was given) to the victim's member.
      payloads[3] = encodeWithForm(codec, forged);
      UUID[] tokens = {UUID.randomUUID(), real.token(), real.token(), real.token(), real.token()};
      for (int i = 0; i < payloads.length; i++) {
        Delivery d = new Delivery(Delivery.MESSAGE, tokens[i], 0, payloads[i]);
        d.source = attacker;
        d.seq = i + 1;
        raw.executeOnMember(d, target);
      }
      // The forward and the probe reach the victim; the forwarded send is refused on arrival.
      await().atMost(Duration.ofSeconds(30)).until(() -> RECEIVED.size() >= 2 && atB.refused() - refusedBefore >= 4);
      assertFalse(Gadget.RAN.get(), "the gadget's code ran");
      Object first = RECEIVED.poll();
      assertInstanceOf(Forward.class, first);
      assertEquals("probe", RECEIVED.poll());
      assertTrue(RECEIVED.isEmpty(), RECEIVED.toString());
      // 1, 2, 3 refused, and the victim's send to the forged reference.
      assertEquals(4, atB.refused() - refusedBefore);
      assertTrue(Actors.deadLetters() - deadBefore >= 4);
    }));
  }

  /** Bytes of {@code Forward(ref)} whose reference is the given wire form (made as a node would). */
  private static byte[] encodeWithForm(SerializationCodec codec, RefForm form) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
      {
        enableReplaceObject(true);
      }

      @Override
      protected Object replaceObject(Object obj) {
        return obj instanceof Marker ? form : obj;
      }
    }) {
      out.writeObject(new Forward(new Marker()));
    }
    return bytes.toByteArray();
  }

  /** Stands in for the forged reference while writing. */
  static final class Marker implements ActorRef<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
      return "marker";
    }

    @Override
    public void send(Object message) {}

    @Override
    public boolean trySend(Object message) {
      return false;
    }

    @Override
    public boolean isAlive() {
      return false;
    }

    @Override
    public dev.eio.actor.ExitReason awaitExit() {
      return null;
    }

    @Override
    public ExitHandle onExit(java.util.function.Consumer<? super dev.eio.actor.ExitReason> callback) {
      return () -> false;
    }
  }
}
