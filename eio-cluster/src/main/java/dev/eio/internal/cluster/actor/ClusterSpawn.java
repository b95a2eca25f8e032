package dev.eio.internal.cluster.actor;

import dev.eio.actor.ActorRef;
import dev.eio.actor.Behavior;
import dev.eio.actor.Mailbox;
import java.util.Objects;

/** Spawning on a member: a cluster task that spawns there and answers the reference. */
public final class ClusterSpawn {
  private ClusterSpawn() {}

  /** Spawns on the member at {@code address}, or the least busy one when it is null. */
  @SuppressWarnings("unchecked")
  public static <M> ActorRef<M> spawn(Node node, String address, String name, Mailbox mailbox, Behavior<M> behavior) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mailbox, "mailbox");
    Objects.requireNonNull(behavior, "behavior");
    if (!(behavior instanceof java.io.Serializable)) {
      throw new IllegalArgumentException("behavior: must be Serializable (a RemoteBehavior)");
    }
    ActorWire.Spawn task = ActorWire.spawn(name, mailbox, behavior);
    Object answer = address == null ? node.cluster().run(task) : node.cluster().runOn(address, task);
    return (ActorRef<M>) ActorWire.Spawn.read(node, answer);
  }
}
