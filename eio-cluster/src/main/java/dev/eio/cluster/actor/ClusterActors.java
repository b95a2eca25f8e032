package dev.eio.cluster.actor;

import dev.eio.Switch;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Mailbox;
import dev.eio.cluster.Cluster;
import dev.eio.internal.cluster.actor.ClusterSpawn;
import dev.eio.internal.cluster.actor.Node;
import java.util.Objects;

/**
 * The actors of one cluster member or client, owned by a switch: it hosts the actors other
 * members and clients spawn on this member ({@link #spawnOn}), and lets references cross the
 * cluster: an {@link ActorRef} put in a message to another member arrives there as a reference
 * that works ({@code send}, {@code trySend}, {@code ask} with its timeout, {@code onExit}, {@code
 * awaitExit}, {@code isAlive}, and {@code ctx.monitor}), so an ask's reply address works across
 * members. Start one on every member and client that takes part.
 *
 * <p><b>Ownership.</b> An actor spawned on a member lives in the switch that started that
 * member's {@code ClusterActors} (the {@code sw} of {@link #start} there): it is cancelled when
 * that switch finishes, like any actor of the switch, and with it when the member stops.
 *
 * <p><b>Delivery across members: at most once, in order.</b> Messages from one sender to one
 * actor arrive in the order sent (each carries the next number of its sender's link to the
 * host; the host puts them back in order). A message is never delivered twice; it may be lost
 * only with a member or a connection: a message sent to a member that is gone, to an actor that
 * has stopped, or that finds a bounded mailbox full, is counted as a dead letter ({@link
 * dev.eio.actor.Actors#deadLetters()} on the member that notices); messages in flight when a
 * member dies are lost uncounted. {@code send} across members never waits and never throws
 * {@link dev.eio.actor.MailboxFullException}: the host's mailbox is only seen there.
 *
 * <p><b>Monitors.</b> {@code ctx.monitor(remoteRef, f)}, {@code onExit} and {@code awaitExit} on a
 * remote reference report the actor's real end ({@code Normal}, {@code Failed} with its
 * exception, {@code Cancelled}), or {@link dev.eio.actor.ExitReason.MemberGone} naming the member
 * when the member dies or leaves first. Links to remote references are refused ({@code
 * IllegalArgumentException}), as before: monitor instead.
 *
 * <p><b>Hostile input.</b> Messages and references cross as bytes of the cluster's codec: the
 * receiving member decodes them with its own allow-list and limits ({@code DecodeLimits}) before
 * any actor sees them. A reference names its actor by an unguessable random token: a message for
 * a token the host does not know (a forged or stale reference), or one its codec refuses, is
 * refused and counted ({@link #refused()}, and as a dead letter) without reaching any actor.
 *
 * <pre>{@code
 * // on each member (for example in LocalMembers' setup)
 * ClusterActors.start(memberSw, member);
 * // anywhere in the cluster
 * ClusterActors actors = ClusterActors.start(sw, cluster);
 * ActorRef<Ping> ponger = actors.spawnOn(address, "ponger", Mailbox.unbounded(), Pong::run);
 * Pong p = ponger.ask(Ping::new, Duration.ofSeconds(2));
 * }</pre>
 */
public final class ClusterActors {
  private final Node node;

  private ClusterActors(Node node) {
    this.node = node;
  }

  /**
   * Starts the actors of {@code cluster} (a member or a client) in {@code sw}, which owns the
   * actors spawned here and stops them when it finishes.
   *
   * @throws IllegalStateException when this member or client runs cluster actors already
   * @throws WrongThreadException when the caller is not in {@code sw}'s tree of fibers
   */
  public static ClusterActors start(Switch sw, Cluster cluster) {
    Objects.requireNonNull(sw, "sw");
    Objects.requireNonNull(cluster, "cluster");
    sw.check();
    return new ClusterActors(Node.start(sw, cluster));
  }

  /**
   * Spawns an actor on the member at {@code address} ({@code host:port}), in the switch of that
   * member's {@code ClusterActors}; {@code behavior} travels there through the codec (its class
   * must be on the member's allow-list).
   *
   * @throws IllegalArgumentException when no member has that address
   * @throws IllegalStateException when that member runs no {@code ClusterActors}
   * @throws dev.eio.cluster.MemberLostException when the member is lost during the spawn
   */
  public <M> ActorRef<M> spawnOn(String address, String name, Mailbox mailbox, RemoteBehavior<M> behavior) {
    Objects.requireNonNull(address, "address");
    return ClusterSpawn.spawn(node, address, name, mailbox, behavior);
  }

  /** Like {@link #spawnOn}, on the least busy member. */
  public <M> ActorRef<M> spawn(String name, Mailbox mailbox, RemoteBehavior<M> behavior) {
    return ClusterSpawn.spawn(node, null, name, mailbox, behavior);
  }

  /** Where this node is: {@code host:port (uuid)} for a member, {@code client <id>} for a client. */
  public String address() {
    return node.address();
  }

  /**
   * Messages refused on arrival here: for an actor this member does not know (a forged or stale
   * reference), or refused by the codec (a class off its list, over its limits). Each is also a
   * dead letter.
   */
  public long refused() {
    return node.refused();
  }

  @Override
  public String toString() {
    return "ClusterActors[" + node.address() + "]";
  }
}
