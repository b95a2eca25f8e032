package dev.eio.rpc;

import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.MemberLostException;
import dev.eio.internal.rpc.Client;
import dev.eio.internal.rpc.Contract;
import dev.eio.internal.rpc.Install;
import dev.eio.internal.rpc.Invoker;
import dev.eio.internal.rpc.RpcCall;
import dev.eio.internal.rpc.Services;
import dev.eio.workers.SerializableCallable;
import dev.eio.workers.Workers;
import java.time.Duration;
import java.util.Objects;

/**
 * Typed RPC: a Java interface is the contract, an implementation serves it on a cluster member
 * ({@link #serve}) or in a worker JVM ({@link #spawn}), and a {@link java.lang.reflect.Proxy} of
 * the interface calls it ({@link #connect}, {@link RpcWorker#client}).
 *
 * <p>Guarantees: a call is a cluster task or a worker task, so it has their guarantees.
 * Cancelling the calling fiber interrupts the remote method and the call returns ({@link
 * dev.eio.Cancelled}) once that method has stopped (on a member: or the member is gone, waiting at
 * most 10 s; on a worker: or the worker was killed after its grace period). A client made with a
 * timeout cancels each call after it on the program's clock ({@link dev.eio.Time#clock()}) and
 * throws {@link dev.eio.Timeout} once the remote method has stopped. A method's exception is
 * rethrown as itself: a checked exception the method declares as that type, others as they are;
 * its stack trace is the remote one, and a suppressed note names the member (or worker) and holds
 * the local call's stack. A member lost during a call fails it with {@link MemberLostException}
 * naming the member; a crashed worker with {@link dev.eio.workers.WorkerCrashedException}.
 *
 * <p>Hostile input: arguments, values and exceptions cross through the configured codec. A member
 * reads a call with its own allow-list and {@code DecodeLimits} (a class off the list or a value
 * over a limit is refused before any of its code runs), then checks it against the interface it
 * serves: a method the interface does not have, or arguments that do not fit it, are refused with
 * {@link CallRefusedException}. Only the interface's methods can be called, never other methods of
 * the implementation. A caller checks that a value fits the method's return type.
 *
 * <p>On the wire a method is its name and its parameter types ({@code put(java.lang.String,byte[])}),
 * never a position: see the package documentation for how a contract may change. What runs a
 * checked call is one internal step (an object's method today); actors will serve contracts by
 * plugging in there, with the same wire and clients (ADR 32).
 *
 * <pre>{@code
 * // on the member
 * Rpc.serve(sw, member, KeyValueStore.class, new MemoryStore());
 * // anywhere in the cluster
 * KeyValueStore kv = Rpc.connect(cluster, "127.0.0.1:5701", KeyValueStore.class, Duration.ofSeconds(2));
 * kv.put("k", "v");
 * }</pre>
 */
public final class Rpc {
  private Rpc() {}

  /**
   * Serves {@code contract} on {@code member} with {@code impl}, until {@code sw} finishes. Calls
   * run on the member's task threads, several at once: {@code impl} must be thread-safe. A call
   * that arrives once {@code sw} has finished is refused; calls already running go on.
   *
   * @throws IllegalArgumentException when {@code member} is a client, or {@code contract} is not
   *     an interface eio can call
   * @throws IllegalStateException when {@code member} serves {@code contract} already
   */
  public static <T> void serve(Switch sw, Cluster member, Class<T> contract, T impl) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(impl, "impl");
    if (!member.isMember()) {
      throw new IllegalArgumentException("member: a client cannot serve calls; join the cluster as a member");
    }
    sw.check();
    Services services = RpcCall.services(member.hazelcast());
    Services.Served served = services.add(Contract.of(contract), Invoker.direct(contract.cast(impl)));
    try {
      sw.onRelease(() -> services.remove(served));
    } catch (RuntimeException e) {
      services.remove(served);
      throw e;
    }
  }

  /**
   * A client of {@code contract} as served on the member at {@code address} ({@code host:port}),
   * calling through {@code cluster} (a member or a client), without a time limit.
   */
  public static <T> T connect(Cluster cluster, String address, Class<T> contract) {
    return connect(cluster, address, contract, null);
  }

  /**
   * A client of {@code contract} as served on the member at {@code address} ({@code host:port}),
   * calling through {@code cluster}; each call is cancelled after {@code timeout} (null: no limit).
   *
   * @throws IllegalArgumentException when {@code contract} is not an interface eio can call, or
   *     {@code timeout} is not positive
   */
  public static <T> T connect(Cluster cluster, String address, Class<T> contract, Duration timeout) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(contract, "contract");
    return Client.proxy(
        contract,
        call -> {
          if (!cluster.members().contains(address)) {
            throw new MemberLostException(
                address,
                new IllegalStateException(
                    "no member at " + address + " in cluster '" + cluster.config().name() + "'; members: "
                        + cluster.members()));
          }
          return cluster.runOn(address, call);
        },
        "cluster member " + address,
        timeout);
  }

  /**
   * Starts a worker JVM owned by {@code sw} that makes its implementation of {@code contract} with
   * {@code factory} and serves it until {@code sw} finishes. The worker runs one call at a time;
   * further calls wait their turn. A worker that crashes, or does not stop a cancelled call within
   * the grace period, is replaced before the next call, with a new implementation from {@code
   * factory} (the old one's state is lost).
   *
   * @throws IllegalArgumentException when {@code contract} is not an interface eio can call
   * @throws dev.eio.workers.WorkerCrashedException when the worker dies while starting
   */
  public static <T> RpcWorker<T> spawn(
      Switch sw, Workers workers, Class<T> contract, SerializableCallable<? extends T> factory) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(workers, "workers");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(factory, "factory");
    Contract.of(contract);
    return new RpcWorker<>(contract, workers.pool(sw, 1, Integer.MAX_VALUE - 1, new Install(contract, factory)));
  }
}
