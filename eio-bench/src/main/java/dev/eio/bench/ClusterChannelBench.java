package dev.eio.bench;

import com.hazelcast.collection.IQueue;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.Switch;
import dev.eio.cluster.ClusterChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * B9, distributed channel: {@link ClusterChannel} against a raw Hazelcast {@code IQueue} of the
 * same capacity on the same 3-member cluster (in one JVM, loopback), side by side in one run.
 * Items go from producer fibers to consumer fibers on other members; the raw queue is driven by
 * the same fibers with {@code put}/{@code take}.
 *
 * <ul>
 *   <li>1P/1C: a producer on member 0, a consumer on member 1.
 *   <li>3P/3C: a producer and a consumer on each member, the consumer of member i taking from
 *       the shared channel like the others.
 * </ul>
 *
 * <p>Arguments (all optional): {@code items} per measurement (default 2000), {@code rounds}
 * (default 9), {@code capacity} (default 64).
 */
public final class ClusterChannelBench {
  private ClusterChannelBench() {}

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int capacity = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    System.out.printf(
        "ClusterChannelBench: %d cores, 3 members in one JVM, %d items per measurement, capacity"
            + " %d, %d rounds, java %s%n",
        Runtime.getRuntime().availableProcessors(), items, capacity, rounds,
        System.getProperty("java.version"));
    List<HazelcastInstance> members = startCluster(3);
    try {
      for (HazelcastInstance m : members) {
        m.getConfig().addQueueConfig(new QueueConfig("bench.raw.*").setMaxSize(capacity));
      }
      Switch.run(
          sw -> {
            for (int pairs : new int[] {1, 3}) {
              List<ClusterChannel<Integer>> ours = new ArrayList<>();
              List<IQueue<Integer>> raw = new ArrayList<>();
              String name = "bench-" + pairs;
              for (HazelcastInstance m : members) {
                ours.add(ClusterChannel.open(sw, m, name, capacity));
                raw.add(m.getQueue("bench.raw." + name));
              }
              new Ratio("B9 distributed channel, " + pairs + "P/" + pairs + "C", "ns/item")
                  .add(
                      "raw IQueue put/take",
                      () ->
                          transfer(
                              pairs,
                              items,
                              i -> raw.get(i)::put,
                              i -> raw.get((i + 1) % 3)::take))
                  .add(
                      "ClusterChannel send/receive",
                      () ->
                          transfer(
                              pairs,
                              items,
                              i -> ours.get(i)::send,
                              i -> ours.get((i + 1) % 3)::receive))
                  .run(2, rounds);
            }
          });
    } finally {
      members.forEach(m -> m.getLifecycleService().terminate());
    }
  }

  interface Send {
    void send(Integer item) throws Exception;
  }

  interface Receive {
    Integer receive() throws Exception;
  }

  interface PerMember<T> {
    T on(int member);
  }

  /** Moves {@code items} items through {@code pairs} producers and consumers; ns per item. */
  private static long transfer(
      int pairs, int items, PerMember<Send> senders, PerMember<Receive> receivers) {
    int each = items / pairs;
    long t0 = System.nanoTime();
    Switch.run(
        sw -> {
          for (int p = 0; p < pairs; p++) {
            Send s = senders.on(p);
            Receive r = receivers.on(p);
            sw.fork(
                () -> {
                  for (int i = 0; i < each; i++) {
                    s.send(i);
                  }
                });
            sw.fork(
                () -> {
                  for (int i = 0; i < each; i++) {
                    r.receive();
                  }
                });
          }
        });
    return (System.nanoTime() - t0) / (each * pairs);
  }

  /** Members on loopback only: TCP-IP join on free ports, multicast and phone-home off. */
  static List<HazelcastInstance> startCluster(int size) {
    String cluster = "eio-bench-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        ports.add(s.getLocalPort());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    List<HazelcastInstance> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Config c = new Config();
      c.setClusterName(cluster);
      c.setProperty("hazelcast.phone.home.enabled", "false");
      c.setProperty("hazelcast.socket.bind.any", "false");
      c.setProperty("hazelcast.logging.type", "none");
      NetworkConfig net = c.getNetworkConfig();
      net.setPort(ports.get(i)).setPortAutoIncrement(false);
      net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      JoinConfig join = net.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true);
      ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));
      members.add(Hazelcast.newHazelcastInstance(c));
    }
    return members;
  }
}
