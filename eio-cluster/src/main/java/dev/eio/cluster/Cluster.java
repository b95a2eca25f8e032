package dev.eio.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.internal.cluster.core.ClusterRemote;
import dev.eio.internal.cluster.core.HazelcastSetup;
import dev.eio.internal.cluster.core.Wire;
import dev.eio.parallel.RetryPolicy;
import dev.eio.parallel.Where;
import dev.eio.workers.SerializableCallable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This JVM's place in a Hazelcast cluster, owned by a switch: an embedded member ({@link #join})
 * or a client of an existing cluster ({@link #connect}). Work goes to the members through {@link
 * #where()} (the same {@code Parallel.map}, {@code fold}, {@code compute}, {@code pipeline} as on
 * domains and worker JVMs) or one task at a time ({@link #run}, {@link #runOn}, {@link
 * #runOnKeyOwner}); {@link #hazelcast()} gives the Hazelcast instance for everything else.
 *
 * <p>Guarantees: the instance is shut down when its switch finishes. A task and its value cross
 * through the config's codec: a task that cannot be serialized fails at submit, naming the class
 * and the field path; a member decodes a task with its own codec's allow-list and refuses any other
 * class before instantiating it. Cancelling the caller (noticed within 20 ms) interrupts the
 * remote task, and the call returns (throwing {@link dev.eio.Cancelled}) once the task has stopped
 * or its member is gone, waiting at most 10 s. A member lost mid-task fails the call with {@link MemberLostException}
 * naming it, or, through {@link #where(RetryPolicy)}, runs the task again on another member; only
 * one attempt's value is ever returned. A task may therefore run more than once: its effects
 * outside its value must be idempotent when retried.
 *
 * <pre>{@code
 * Eio.run(env -> Switch.run(sw -> {
 *   Cluster cluster = Cluster.join(env, sw, ClusterConfig.local("demo"));
 *   List<Long> squares = Parallel.map(cluster.where(), List.of(1L, 2L, 3L), x -> x * x);
 *   String host = cluster.runOnKeyOwner("user-42", () -> InetAddress.getLocalHost().getHostName());
 * }));
 * }</pre>
 */
public final class Cluster {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final HazelcastInstance hz;
  private final ClusterConfig config;
  private final boolean member;
  private final ClusterRemote remote;

  private Cluster(HazelcastInstance hz, ClusterConfig config, boolean member) {
    this.hz = hz;
    this.config = config;
    this.member = member;
    this.remote = new ClusterRemote(hz, new Wire(config.codec()), null);
  }

  /**
   * Starts an embedded member of {@code config}'s cluster, owned by {@code sw}: it joins the
   * members listed (or forms the cluster when none answers) and, with {@link
   * ClusterConfig#withExpectedMembers}, waits until the cluster has that many.
   *
   * @throws ClusterUnreachableException when the expected members did not join in time (the
   *     member is shut down)
   */
  public static Cluster join(Env env, Switch sw, ClusterConfig config) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(config, "config");
    sw.check();
    int port = config.port() != 0 ? config.port() : HazelcastSetup.freePort(config.host());
    String self = config.host() + ":" + port;
    List<String> members = new ArrayList<>(config.members());
    if (!members.contains(self)) {
      members.add(self);
    }
    HazelcastInstance hz =
        Hazelcast.newHazelcastInstance(
            HazelcastSetup.member(
                config.name(),
                instanceName(config),
                config.host(),
                port,
                members,
                new Wire(config.codec()),
                config.logging()));
    own(sw, hz);
    Cluster c = new Cluster(hz, config.withPort(port), true);
    c.awaitMembers(env, members);
    return c;
  }

  /**
   * Connects a client to the running cluster at {@code config}'s members, owned by {@code sw}.
   *
   * @throws ClusterUnreachableException when no member answered within the connect timeout; the
   *     message names the addresses tried
   * @throws IllegalArgumentException when {@code config} lists no member
   */
  public static Cluster connect(Env env, Switch sw, ClusterConfig config) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(config, "config");
    if (config.members().isEmpty()) {
      throw new IllegalArgumentException(
          "config: a client needs the address of at least one member (withMembers)");
    }
    sw.check();
    HazelcastInstance hz;
    try {
      hz =
          HazelcastClient.newHazelcastClient(
              HazelcastSetup.client(
                  config.name(),
                  instanceName(config),
                  config.members(),
                  config.connectTimeout().toMillis(),
                  new Wire(config.codec()),
                  config.logging()));
    } catch (IllegalStateException e) {
      throw new ClusterUnreachableException(
          "cannot reach cluster '" + config.name() + "' at " + config.members() + " within "
              + config.connectTimeout().toMillis() + " ms: " + e.getMessage(),
          config.members(),
          e);
    }
    own(sw, hz);
    return new Cluster(hz, config, false);
  }

  private static String instanceName(ClusterConfig config) {
    return "eio-" + config.name() + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  private static void own(Switch sw, HazelcastInstance hz) {
    try {
      sw.onRelease(hz::shutdown);
    } catch (RuntimeException e) {
      hz.shutdown();
      throw e;
    }
  }

  private void awaitMembers(Env env, List<String> addresses) {
    int expected = config.expectedMembers();
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    while (hz.getCluster().getMembers().size() < expected) {
      if (System.nanoTime() - deadline > 0) {
        List<String> missing = new ArrayList<>(addresses);
        missing.removeAll(members());
        hz.shutdown();
        throw new ClusterUnreachableException(
            "cluster '" + config.name() + "' has " + hz.getCluster().getMembers().size() + " of "
                + expected + " expected members after " + config.connectTimeout().toMillis()
                + " ms; not reached: " + missing,
            missing,
            null);
      }
      env.clock().sleep(java.time.Duration.ofMillis(50));
    }
  }

  /** The Hazelcast instance under this member or client, for its maps, queues, topics, ... */
  public HazelcastInstance hazelcast() {
    return hz;
  }

  /** Whether this JVM is a member (else a client). */
  public boolean isMember() {
    return member;
  }

  /** The config this member or client started with (for a member, with its actual port). */
  public ClusterConfig config() {
    return config;
  }

  /** The addresses ({@code host:port}) of the members that run tasks, now. */
  public List<String> members() {
    List<String> out = new ArrayList<>();
    for (Member m : remote.workers()) {
      out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
    }
    return out;
  }

  /**
   * The cluster's members as a {@link Where}: as many ranges run at once as the members have
   * cores; each task goes to the least busy member; a lost member fails the operation.
   */
  public Where where() {
    return Where.remote(remote);
  }

  /**
   * The members as a {@link Where} whose tasks run again, on another member when theirs was lost,
   * as {@code retry} says (for example {@code RetryPolicy.retry(3, e -> e instanceof
   * MemberLostException)}).
   */
  public Where where(RetryPolicy retry) {
    Objects.requireNonNull(retry, "retry");
    return Where.remote(remote.withRetry(retry));
  }

  /** How many tasks this member or client ran again after a failure, through {@link #where(RetryPolicy)}. */
  public long reruns() {
    return remote.reruns();
  }

  /** Runs {@code task} on the least busy member and returns its value or throws its exception. */
  public <T> T run(SerializableCallable<T> task) {
    Objects.requireNonNull(task, "task");
    return remote.run(task, task.getClass());
  }

  /**
   * Runs {@code task} on the member at {@code address} ({@code host:port}).
   *
   * @throws IllegalArgumentException when no member of the cluster has that address
   */
  public <T> T runOn(String address, SerializableCallable<T> task) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(task, "task");
    for (Member m : remote.workers()) {
      if ((m.getAddress().getHost() + ":" + m.getAddress().getPort()).equals(address)) {
        return remote.runOn(m, task, task.getClass());
      }
    }
    throw new IllegalArgumentException(
        "address: no member of cluster '" + config.name() + "' at " + address + "; members: " + members());
  }

  /** Runs {@code task} on the member owning {@code key}'s partition (where its map entry lives). */
  public <T> T runOnKeyOwner(Object key, SerializableCallable<T> task) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(task, "task");
    return remote.runOnKeyOwner(key, task, task.getClass());
  }

  @Override
  public String toString() {
    return "Cluster[" + config.name() + ", " + (member ? "member " + config.host() + ":" + config.port() : "client")
        + ", " + hz.getCluster().getMembers().size() + " members]";
  }
}
