package dev.eio.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.internal.cluster.core.HazelcastSetup;
import dev.eio.internal.cluster.core.Wire;
import dev.eio.workers.SerializationCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * In-JVM Hazelcast members for tests, configured as eio's own members are (loopback TCP-IP join on
 * free ports chosen now, multicast and phone-home off, Hazelcast logging off, the worker codec on
 * the wire), under a unique cluster name. One per test class.
 */
final class TestCluster implements AutoCloseable {
  /** The codec of every test member: the defaults plus the classes of the tests that use it. */
  private static final Wire WIRE =
      new Wire(SerializationCodec.defaults()
          .allowing(
              ClusterChannelTest.class,
              ClusterChannelStressTest.class,
              ClusterGroupTest.class,
              ClusterHubTest.class));

  private final String clusterName = "eio-test-" + UUID.randomUUID();
  private final List<Integer> ports = new ArrayList<>();
  final List<HazelcastInstance> members = new ArrayList<>();

  TestCluster(int size) {
    for (int i = 0; i < size + 1; i++) {
      ports.add(HazelcastSetup.freePort("127.0.0.1"));
    }
    // One after the other: members started together may first form separate clusters.
    for (int i = 0; i < size; i++) {
      members.add(Hazelcast.newHazelcastInstance(config(i)));
    }
  }

  /** A further member of the same cluster (for tests that kill one). */
  HazelcastInstance addMember() {
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(config(ports.size() - 1));
    members.add(hz);
    return hz;
  }

  /**
   * Terminates {@code hz} (no goodbye, as a crash) and waits until no other member lists it: from
   * then on, a listener registered anywhere will never hear of its leaving.
   */
  void kill(HazelcastInstance hz) {
    UUID id = hz.getCluster().getLocalMember().getUuid();
    hz.getLifecycleService().terminate();
    members.remove(hz);
    Awaitility.await()
        .until(
            () ->
                members.stream()
                    .allMatch(
                        m -> m.getCluster().getMembers().stream()
                            .noneMatch(x -> x.getUuid().equals(id))));
  }

  HazelcastInstance member(int i) {
    return members.get(i);
  }

  /**
   * A member configured as {@link Cluster#join} configures one (the worker codec in place of Java
   * serialization, so what these tests send crosses the same allow-list as in production), with
   * faster failure detection for tests that terminate a member.
   */
  private Config config(int index) {
    List<String> all = new ArrayList<>();
    for (int p : ports) {
      all.add("127.0.0.1:" + p);
    }
    Config c =
        HazelcastSetup.member(
            clusterName, clusterName + "-" + index, "127.0.0.1", ports.get(index), all, WIRE, false);
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    return c;
  }

  @Override
  public void close() {
    for (HazelcastInstance hz : members) {
      hz.getLifecycleService().terminate();
    }
  }
}
