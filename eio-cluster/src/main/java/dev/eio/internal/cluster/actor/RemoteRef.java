package dev.eio.internal.cluster.actor;

import com.hazelcast.cluster.Member;
import dev.eio.actor.ActorRef;
import dev.eio.actor.ExitReason;
import dev.eio.internal.cluster.actor.ActorWire.RefForm;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A reference to an actor on another member (or client), bound to the node that reads it: sends
 * go fire-and-forget through that node, in order per target host; watching it is a monitor on
 * the host, ended early by the host member's departure.
 */
final class RemoteRef<M> implements ActorRef<M>, Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  private final transient Node node;
  private final RefForm form;

  RemoteRef(Node node, RefForm form) {
    this.node = node;
    this.form = form;
  }

  RefForm form() {
    return form;
  }

  @Override
  public String name() {
    return form.name();
  }

  /**
   * Sends without waiting: the message is encoded here (a class off the codec's list or over its
   * limits throws {@link dev.eio.workers.CodecException} here) and delivered at most once. A
   * host that is gone, or a mailbox that is full or stopped when it arrives, counts a dead letter.
   */
  @Override
  public void send(M message) {
    node.send(form, message);
  }

  /** Like {@link #send}; false only when the host is known gone (the outcome there is not awaited). */
  @Override
  public boolean trySend(M message) {
    return node.send(form, message);
  }

  /** Asks the host (a round trip); for an actor hosted on a client: true unless its node is gone. */
  @Override
  public boolean isAlive() {
    if (form.clientHost()) {
      return true;
    }
    Member m = null;
    for (Member x : node.cluster().hazelcast().getCluster().getMembers()) {
      if (x.getUuid().equals(form.host())) {
        m = x;
      }
    }
    if (m == null) {
      return false;
    }
    String at = m.getAddress().getHost() + ":" + m.getAddress().getPort();
    try {
      return node.cluster().runOn(at, new ActorWire.Alive(form.token()));
    } catch (dev.eio.cluster.MemberLostException | IllegalArgumentException e) {
      return false; // gone meanwhile
    }
  }

  @Override
  public ExitReason awaitExit() {
    CompletableFuture<ExitReason> end = new CompletableFuture<>();
    ExitHandle h = onExit(end::complete);
    try {
      return end.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dev.eio.Fiber.check();
      throw new dev.eio.Cancelled(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      h.remove();
    }
  }

  /**
   * Runs {@code callback} once with the actor's end: its real reason, or {@link
   * ExitReason.MemberGone} when its member leaves or dies first. The callback runs on a Hazelcast
   * thread (or at once, when the member is already gone): keep it short.
   */
  @Override
  public ExitHandle onExit(Consumer<? super ExitReason> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    return node.watch(form, callback);
  }

  @Serial
  private Object writeReplace() {
    return form;
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a remote reference travels as its wire form");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteRef<?> r && r.form.host().equals(form.host()) && r.form.token().equals(form.token());
  }

  @Override
  public int hashCode() {
    return form.token().hashCode();
  }

  @Override
  public String toString() {
    return "ActorRef[" + form.name() + " on " + form.address() + "]";
  }
}
