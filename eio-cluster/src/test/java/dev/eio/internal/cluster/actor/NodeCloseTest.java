package dev.eio.internal.cluster.actor;

import static org.awaitility.Awaitility.await;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.actor.ClusterActors;
import dev.eio.internal.cluster.core.HazelcastSetup;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A node's resources end with its switch, also when its member was terminated first. */
class NodeCloseTest {
  private static long gapTimers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("eio-actor-gaps"))
        .count();
  }

  @Test
  void theGapTimerOfATerminatedMembersNodeStops() {
    long before = gapTimers();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  int port = HazelcastSetup.freePort("127.0.0.1");
                  ClusterConfig cfg =
                      ClusterConfig.local("node-close-" + UUID.randomUUID())
                          .withMembers(List.of("127.0.0.1:" + port))
                          .withPort(port)
                          .withExpectedMembers(1);
                  Cluster a = Cluster.join(env, sw, cfg);
                  Switch.run(
                      inner -> {
                        ClusterActors.start(inner, a);
                        // A delivery out of order is held back and arms the gap timer (its
                        // thread starts with the first task).
                        Delivery d = new Delivery(Delivery.MESSAGE, UUID.randomUUID(), 0, null);
                        d.source = UUID.randomUUID();
                        d.seq = 2;
                        Node.of(a.hazelcast()).arrive(d);
                        await().until(() -> gapTimers() > before);
                        a.hazelcast().getLifecycleService().terminate(); // no goodbye
                      });
                }));
    await().atMost(Duration.ofSeconds(10)).until(() -> gapTimers() == before);
  }
}
