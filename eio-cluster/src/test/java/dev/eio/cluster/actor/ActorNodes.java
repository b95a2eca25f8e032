package dev.eio.cluster.actor;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.workers.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * In-JVM cluster members, each running {@link ClusterActors} in a switch of its own (so one can
 * leave while the others stay), on free loopback ports, under a cluster name no other test uses.
 */
final class ActorNodes implements AutoCloseable {
  /** One member: its cluster, its actors, and how to make it leave. */
  static final class Node {
    Cluster cluster;
    ClusterActors actors;
    private final CountDownLatch stop = new CountDownLatch(1);
    Thread owner;

    /** Where it is, {@code host:port}. */
    String address() {
      return cluster.config().host() + ":" + cluster.config().port();
    }

    /** Finishes its switch: its actors are cancelled and the member leaves. */
    void leave() throws InterruptedException {
      stop.countDown();
      owner.join(60_000);
    }
  }

  final ClusterConfig config;
  final List<Node> nodes = new ArrayList<>();

  ActorNodes(String name, int count, Codec codec) throws Exception {
    List<String> addresses = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count + 2; i++) {
      int p = dev.eio.internal.cluster.core.HazelcastSetup.freePort("127.0.0.1");
      ports.add(p);
      addresses.add("127.0.0.1:" + p);
    }
    config = ClusterConfig.local(name + "-" + UUID.randomUUID()).withCodec(codec).withMembers(addresses);
    for (int i = 0; i < count; i++) {
      start(config.withPort(ports.get(i)).withExpectedMembers(i + 1), true);
    }
    this.spare = new ArrayList<>(ports.subList(count, count + 2));
  }

  private final List<Integer> spare;

  /** One more member (at most two per cluster), for tests that make a member leave. */
  Node addMember() throws Exception {
    return start(config.withPort(spare.remove(0)).withExpectedMembers(nodes.size() + 1), true);
  }

  /** A client of the cluster with its own actors. */
  Node addClient() throws Exception {
    return start(config, false);
  }

  private Node start(ClusterConfig cfg, boolean member) throws Exception {
    Node n = new Node();
    CompletableFuture<Void> up = new CompletableFuture<>();
    n.owner =
        Thread.ofPlatform()
            .name("actor-node-" + nodes.size())
            .start(
                () -> {
                  try {
                    Eio.run(
                        env ->
                            Switch.run(
                                sw -> {
                                  n.cluster = member ? Cluster.join(env, sw, cfg) : Cluster.connect(env, sw, cfg);
                                  n.actors = ClusterActors.start(sw, n.cluster);
                                  up.complete(null);
                                  n.stop.await();
                                }));
                  } catch (Throwable t) {
                    up.completeExceptionally(t);
                  }
                });
    up.get(120, TimeUnit.SECONDS);
    nodes.add(n);
    return n;
  }

  Node get(int i) {
    return nodes.get(i);
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).leave();
    }
  }
}
