package dev.eio.cluster;

import dev.eio.Eio;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Three in-JVM members shared by one test class: started once in a switch of their own (a
 * background Eio.run), on free loopback ports, under a cluster name no other test JVM uses.
 */
public final class SharedCluster implements AutoCloseable {
  public final List<Cluster> members = new ArrayList<>();
  public final ClusterConfig config;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread owner;

  public SharedCluster(String name, int count, ClusterConfig base) throws Exception {
    ClusterConfig cfg = base;
    String cluster = name + "-" + UUID.randomUUID();
    List<String> addresses = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int p = dev.eio.internal.cluster.core.HazelcastSetup.freePort("127.0.0.1");
      ports.add(p);
      addresses.add("127.0.0.1:" + p);
    }
    ClusterConfig all = rename(cfg, cluster).withMembers(addresses);
    this.config = all;
    CompletableFuture<Void> up = new CompletableFuture<>();
    owner =
        Thread.ofPlatform()
            .name("shared-cluster-" + name)
            .start(
                () -> {
                  try {
                    Eio.run(
                        env ->
                            Switch.run(
                                sw -> {
                                  for (int i = 0; i < count; i++) {
                                    members.add(
                                        Cluster.join(
                                            env,
                                            sw,
                                            all.withPort(ports.get(i)).withExpectedMembers(i + 1)));
                                  }
                                  up.complete(null);
                                  stop.await();
                                }));
                  } catch (Throwable t) {
                    up.completeExceptionally(t);
                  }
                });
    up.get(120, TimeUnit.SECONDS);
  }

  private static ClusterConfig rename(ClusterConfig c, String name) {
    return ClusterConfig.local(name).withCodec(c.codec()).withHost(c.host());
  }

  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    owner.join(60_000);
  }
}
