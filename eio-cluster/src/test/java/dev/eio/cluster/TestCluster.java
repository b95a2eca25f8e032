package dev.eio.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * In-JVM Hazelcast members for tests: loopback TCP-IP join on free ports chosen now, multicast
 * and phone-home off, a unique cluster name, Hazelcast logging off. One per test class.
 */
final class TestCluster implements AutoCloseable {
  private final String clusterName = "eio-test-" + UUID.randomUUID();
  private final List<Integer> ports = new ArrayList<>();
  final List<HazelcastInstance> members = new ArrayList<>();

  TestCluster(int size) {
    for (int i = 0; i < size + 1; i++) {
      ports.add(freePort());
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

  HazelcastInstance member(int i) {
    return members.get(i);
  }

  private Config config(int index) {
    Config c = new Config();
    c.setClusterName(clusterName);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.logging.type", "none");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Fast detection of a terminated member, fast (re)partitioning for small test clusters.
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    NetworkConfig net = c.getNetworkConfig();
    net.setPort(ports.get(index)).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (int p : ports) {
      join.getTcpIpConfig().addMember("127.0.0.1:" + p);
    }
    return c;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (HazelcastInstance hz : members) {
      hz.getLifecycleService().terminate();
    }
  }
}
