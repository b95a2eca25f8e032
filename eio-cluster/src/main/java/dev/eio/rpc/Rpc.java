package dev.eio.rpc;

import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.MemberLostException;
import dev.eio.actor.Mailbox;
import dev.eio.internal.rpc.ActorInvoker;
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
 * ({@link #serve}), in a worker JVM ({@link #spawn}) or owned by an actor ({@link #actor}), and a
 * {@link java.lang.reflect.Proxy} of the interface calls it ({@link #connect}, {@link
 * RpcWorker#client}, {@link RpcActor#client}).
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
 * never a position: see the package documentation for how a contract may change. An actor serving
 * a contract ({@link #actor}, ADR 37) runs the calls one at a time in its fiber, so its
 * implementation needs no lock; its calls cross the same wire and the same checks.
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
    serve(sw, member, Contract.of(contract), Invoker.direct(contract.cast(impl)));
  }

  /**
   * Serves {@code actor}'s contract on {@code member} until {@code sw} finishes: calls from the
   * cluster are posted to the actor and run one at a time in its fiber, in arrival order, with
   * the calls of its local {@link RpcActor#client clients}. A call that arrives once {@code sw}
   * has finished is refused ({@link CallRefusedException}); one that arrives once the actor has
   * stopped fails with {@link dev.eio.actor.ActorExitException}.
   *
   * @throws IllegalArgumentException when {@code member} is a client
   * @throws IllegalStateException when {@code member} serves the contract already
   */
  public static void serve(Switch sw, Cluster member, RpcActor<?> actor) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(actor, "actor");
    serve(sw, member, Contract.of(actor.contract()), actor.invoker());
  }

  private static void serve(Switch sw, Cluster member, Contract contract, Invoker invoker) {
    if (!member.isMember()) {
      throw new IllegalArgumentException("member: a client cannot serve calls; join the cluster as a member");
    }
    sw.check();
    Services services = RpcCall.services(member.hazelcast());
    Services.Served served = services.add(contract, invoker);
    try {
      sw.onRelease(() -> services.remove(served));
    } catch (RuntimeException e) {
      services.remove(served);
      throw e;
    }
  }

  /**
   * Starts an actor in {@code sw} that owns {@code impl} and serves {@code contract} with it: each
   * call, from a local {@link RpcActor#client client} or from the cluster ({@link #serve(Switch,
   * Cluster, RpcActor)}), is a message in the actor's {@code mailbox}, and the actor runs the calls
   * one at a time in its own fiber, in arrival order. So {@code impl} needs no lock, provided
   * nothing else calls it. The actor stops with {@code sw} (see {@link RpcActor} for cancellation,
   * full mailboxes and a stopped actor).
   *
   * @throws IllegalArgumentException when {@code contract} is not an interface eio can call
   * @throws WrongThreadException when the caller is not in {@code sw}'s tree of fibers
   * @throws IllegalStateException when {@code sw} has finished
   */
  public static <T> RpcActor<T> actor(Switch sw, Class<T> contract, Mailbox mailbox, T impl) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(mailbox, "mailbox");
    Objects.requireNonNull(impl, "impl");
    Contract.of(contract);
    return new RpcActor<>(contract, ActorInvoker.spawn(sw, contract, mailbox, contract.cast(impl)));
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
