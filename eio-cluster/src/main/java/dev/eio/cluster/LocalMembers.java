package dev.eio.cluster;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.internal.cluster.core.HazelcastSetup;
import dev.eio.workers.Hub;
import dev.eio.workers.HubEvent;
import dev.eio.workers.HubFunction;
import dev.eio.workers.HubWorker;
import dev.eio.workers.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code k} cluster members in their own JVMs on this machine, owned by a switch: the {@code
 * mpirun -np k} of one host, for demos, tests and using every core of a big machine in separate
 * heaps. The JVMs are worker processes ({@link Workers}): started from this JVM's {@code java} and
 * class path, gone when the switch finishes and, by the worker rule, when this JVM dies. Connect
 * to them with {@code Cluster.connect(env, sw, members.config())}.
 *
 * <p>Guarantees: {@link #start} returns once every member has joined one cluster of {@code k};
 * members bind to the config's host (loopback by default) on ports free at start. {@link #kill}
 * is {@code kill -9}: no goodbye to the cluster, as in a real crash.
 *
 * <pre>{@code
 * Eio.run(env -> Switch.run(sw -> {
 *   LocalMembers jvms = LocalMembers.start(env, sw, ClusterConfig.local("demo"), 3, List.of());
 *   Cluster client = Cluster.connect(env, sw, jvms.config());
 *   long sum = Parallel.fold(client.where(), numbers, 0L, (acc, x) -> acc + x, Long::sum);
 * }));
 * }</pre>
 */
public final class LocalMembers {
  /**
   * The JVM options members start with: quiet on JDK 25 (Hazelcast's internal-API access and its
   * shaded JCTools' {@code sun.misc.Unsafe} use), and a modest heap.
   */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-Xmx256m",
          "--sun-misc-unsafe-memory-access=allow",
          "--add-modules=java.se",
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.management/sun.management=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final ClusterConfig config;
  private final List<HubWorker<String, String, Void>> jvms;

  private LocalMembers(ClusterConfig config, List<HubWorker<String, String, Void>> jvms) {
    this.config = config;
    this.jvms = jvms;
  }

  /**
   * Starts {@code count} member JVMs of {@code config}'s cluster, one after the other, each with
   * {@link #DEFAULT_JVM_OPTIONS} then {@code jvmOptions} (say {@code -XX:ActiveProcessorCount=1}
   * to give each member one core), and returns once all have joined.
   *
   * @throws IllegalArgumentException when {@code count} is below 1
   * @throws dev.eio.workers.WorkerCrashedException when a member JVM dies while starting
   */
  public static LocalMembers start(Env env, Switch sw, ClusterConfig config, int count, List<String> jvmOptions) {
    return start(env, sw, config, count, jvmOptions, null);
  }

  /**
   * What a member JVM does once it has joined, before {@link #start} counts it as up: serve an
   * RPC contract, open a hub, fill a map. It runs in the member's JVM (it travels there through
   * the worker codec, with what it captures) with the member and the switch that owns it, which
   * finishes when the member is stopped.
   */
  @FunctionalInterface
  public interface Setup extends java.io.Serializable {
    /** Sets up {@code member}; what it opens in {@code sw} lives as long as the member. */
    void accept(Switch sw, Cluster member) throws Exception;
  }

  /**
   * {@link #start(Env, Switch, ClusterConfig, int, List)}, each member running {@code setup}
   * (when not null) once it has joined; a member whose setup throws fails the start with its
   * message.
   *
   * <pre>{@code
   * LocalMembers jvms = LocalMembers.start(env, sw, config, 1, List.of(),
   *     (memberSw, member) -> Rpc.serve(memberSw, member, KeyValueStore.class, new MemoryStore()));
   * }</pre>
   */
  public static LocalMembers start(
      Env env, Switch sw, ClusterConfig config, int count, List<String> jvmOptions, Setup setup) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(jvmOptions, "jvmOptions");
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    List<String> addresses = new ArrayList<>(config.members());
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int port = HazelcastSetup.freePort(config.host());
      ports.add(port);
      addresses.add(config.host() + ":" + port);
    }
    List<String> options = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    options.addAll(jvmOptions);
    Workers workers = Workers.of(env).withName("member").withJvmOptions(options);
    ClusterConfig all = config.withMembers(addresses);
    List<HubWorker<String, String, Void>> jvms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HubWorker<String, String, Void> w =
          workers.spawn(sw, new MemberMain(all.withPort(ports.get(i)).withExpectedMembers(i + 1), setup));
      String reply = w.connection().receive();
      if (!reply.startsWith("up ")) {
        throw new IllegalStateException("member JVM " + w.name() + " failed to start: " + reply);
      }
      jvms.add(w);
    }
    return new LocalMembers(all, List.copyOf(jvms));
  }

  /** The config to connect to these members with (their addresses listed). */
  public ClusterConfig config() {
    return config;
  }

  /** The members' addresses, {@code host:port}, in start order. */
  public List<String> addresses() {
    return config.members().subList(config.members().size() - jvms.size(), config.members().size());
  }

  /** The members' process ids, in start order. */
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (HubWorker<?, ?, ?> w : jvms) {
      out.add(w.pid());
    }
    return out;
  }

  /** Kills member {@code index}'s JVM with SIGKILL ({@code kill -9}) and waits until it is gone. */
  public void kill(int index) {
    Objects.checkIndex(index, jvms.size());
    ProcessHandle.of(jvms.get(index).pid())
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().join();
            });
  }

  /** What a member JVM runs: a member owned by a switch, until the parent cancels the hub. */
  private record MemberMain(ClusterConfig config, Setup setup) implements HubFunction<String, String, Void> {
    @Override
    public Void apply(Hub<String, String> hub) {
      Eio.run(
          env ->
              Switch.run(
                  sw -> {
                    HubEvent<String> first = hub.receive();
                    long party = first instanceof HubEvent.Connected<String> c ? c.party() : 0;
                    try {
                      Cluster member = Cluster.join(env, sw, config);
                      if (setup != null) {
                        setup.accept(sw, member);
                      }
                    } catch (Exception e) {
                      hub.send(party, "failed " + e);
                      throw e;
                    }
                    hub.send(party, "up " + config.host() + ":" + config.port());
                    for (HubEvent<String> e : hub) {
                      // Members take no orders over the hub: it only holds them until cancelled.
                    }
                  }));
      return null;
    }
  }

  @Override
  public String toString() {
    return "LocalMembers" + addresses();
  }
}
