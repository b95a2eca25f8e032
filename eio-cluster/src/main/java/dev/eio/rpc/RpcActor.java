package dev.eio.rpc;

import dev.eio.actor.ActorRef;
import dev.eio.internal.rpc.ActorInvoker;
import dev.eio.internal.rpc.Client;
import java.time.Duration;

/**
 * A contract served by an actor ({@link Rpc#actor}): the actor owns the implementation and runs
 * every call in its own fiber, one at a time, in the order the calls reached its mailbox, whether
 * they come from a {@link #client} in this JVM or from the cluster ({@link Rpc#serve(
 * dev.eio.Switch, dev.eio.cluster.Cluster, RpcActor)}). So the implementation needs no lock and
 * sees no other thread, as long as nothing else holds a reference to it.
 *
 * <p><b>Guarantees.</b>
 *
 * <ul>
 *   <li><b>Mailbox</b>: a call is a message. A bounded {@link dev.eio.actor.Mailbox.WhenFull#FAIL
 *       FAIL} mailbox that is full fails the call with {@link
 *       dev.eio.actor.MailboxFullException} at once; a {@link
 *       dev.eio.actor.Mailbox.WhenFull#WAIT WAIT} one makes the caller wait for room
 *       (backpressure, cancellable). Either way the call did not run.
 *   <li><b>A caller that gives up</b> (cancelled, or its client's time limit passed) before the
 *       actor took its call: the call never runs (the actor skips it) and the caller throws at
 *       once. A call already running is cancelled alone (the method sees {@link dev.eio.Cancelled}
 *       or an interrupt at its next blocking point; the actor goes on with the next call), and
 *       the caller throws once the method has stopped, so nothing of a call runs after its
 *       caller returned. What the method did before it stopped stays done.
 *   <li><b>Exceptions</b> thrown by a method go back to its caller, as from {@link Rpc#serve}: a
 *       checked one the method declares as that type, with the stack of the actor's fiber and a
 *       suppressed note with the local call's; the actor goes on serving.
 *   <li><b>A stopped actor</b> (its switch ended, or a linked actor failed) fails every waiting
 *       and later call with {@link dev.eio.actor.ActorExitException}; no caller waits forever.
 * </ul>
 *
 * <p>A local client passes arguments and values as they are, without serialization: an argument
 * the caller changes later is changed for the actor too, as with any message. A method that
 * calls its own actor's client would wait for itself: that call is refused with {@link
 * IllegalStateException}.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   RpcActor<Counter> counter =
 *       Rpc.actor(sw, Counter.class, Mailbox.bounded(64, Mailbox.WhenFull.WAIT), new PlainCounter());
 *   Rpc.serve(sw, member, counter);                     // calls from the cluster
 *   Counter c = counter.client(Duration.ofSeconds(1));  // calls from this JVM
 *   c.add(5);                                           // never runs beside another call
 * });
 * }</pre>
 *
 * @param <T> the contract
 */
public final class RpcActor<T> {
  private final Class<T> contract;
  private final ActorInvoker invoker;

  RpcActor(Class<T> contract, ActorInvoker invoker) {
    this.contract = contract;
    this.invoker = invoker;
  }

  /** A client in this JVM, without a time limit. */
  public T client() {
    return client(null);
  }

  /**
   * A client in this JVM whose every call is given up after {@code timeout} on the program's clock
   * (null: no limit), throwing {@link dev.eio.Timeout} once the call has stopped.
   *
   * @throws IllegalArgumentException when {@code timeout} is not positive
   */
  public T client(Duration timeout) {
    return Client.proxy(contract, invoker::callLocally, "actor '" + invoker.ref().name() + "'", timeout);
  }

  /** The actor, to watch it ({@code onExit}, {@code awaitExit}, monitors) or link to it. */
  public ActorRef<?> ref() {
    return invoker.ref();
  }

  Class<T> contract() {
    return contract;
  }

  ActorInvoker invoker() {
    return invoker;
  }

  @Override
  public String toString() {
    return "RpcActor[" + contract.getName() + ", " + invoker.ref() + "]";
  }
}
