package dev.eio.cluster;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.ChannelClosedException;
import dev.eio.Switch;
import dev.eio.internal.cluster.msg.HubWire;
import dev.eio.internal.cluster.msg.MemberWatch;
import dev.eio.internal.cluster.msg.ReceiveIterator;
import dev.eio.internal.cluster.msg.Remote;
import java.util.Iterator;

/**
 * One party's two-way connection to a {@link ClusterHub} on any member: {@link #send} goes to
 * the hub as a message event, {@link #receive} takes what the hub sent to this party or
 * broadcast. The cluster's counterpart of {@link dev.eio.workers.HubConnection}.
 *
 * <p><b>Guarantees.</b> Receiving has {@link dev.eio.Channel} semantics: it blocks, is
 * cancellable (a cancelled receive took nothing; no Hazelcast call is interrupted), and ends in
 * one of two ways. <i>Done</i>: when the hub disconnects this party, the hub's switch ends, or this
 * side {@linkplain #close closes}, the messages the hub sent before can still be taken, then
 * {@link #receive} throws {@link ChannelClosedException} without a cause and a for-each loop ends.
 * <i>Broken</i>: when the hub's member leaves the cluster, {@link #receive} throws {@link
 * ChannelClosedException} whose cause says so. Messages this side sends reach the hub in order,
 * before the hub learns of the disconnection.
 *
 * <p><b>Memory.</b> Messages from the hub wait in this party's queue (unbounded), removed with
 * the owning switch.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   ClusterHubConnection<String, String> c = ClusterHub.connect(sw, hazelcast, "echo");
 *   c.send("ping");
 *   System.out.println(c.receive()); // pong
 * });
 * }</pre>
 *
 * @param <I> the type of the messages sent to the hub
 * @param <O> the type of the messages received from the hub
 */
public final class ClusterHubConnection<I, O> implements Iterable<O> {
  private final String name;
  private final long id;
  private final HubWire.Served hub;
  private final IQueue<Object> toHub;
  private final IQueue<Object> fromHub;
  private boolean closed; // guarded by this: no more sends from this side
  private volatile boolean ended; // the hub sent End, or this side closed and drained
  private volatile Throwable broken;
  // Whether the hub's member is lost: heard leaving, or missing from the member list (it may
  // have left between the hub's lookup and this listener, when no event could tell).
  private final MemberWatch watch;

  private ClusterHubConnection(
      HazelcastInstance hz, String name, HubWire.Served hub, long id, MemberWatch watch) {
    this.name = name;
    this.id = id;
    this.hub = hub;
    this.watch = watch;
    this.toHub = hz.getQueue(hub.inbound());
    this.fromHub = hz.getQueue(hub.outbound(id));
  }

  static <I, O> ClusterHubConnection<I, O> start(
      Switch sw, HazelcastInstance hz, String name, HubWire.Served hub, long id, MemberWatch w) {
    ClusterHubConnection<I, O> c = new ClusterHubConnection<>(hz, name, hub, id, w);
    sw.onRelease(
        () -> {
          if (!hz.getLifecycleService().isRunning()) {
            return;
          }
          w.stop();
          c.close();
          c.fromHub.destroy();
        });
    Remote.call(
        () -> c.toHub.offer(new HubWire.Connect(id, Remote.self(hz), MemberWatch.isMember(hz))));
    return c;
  }

  /** The party's id, as the hub sees it in its events. */
  public long id() {
    return id;
  }

  /**
   * Sends {@code message} to the hub; never waits for it.
   *
   * @throws NullPointerException when {@code message} is null
   * @throws ChannelClosedException when this connection is closed or the hub is lost
   */
  public void send(I message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    synchronized (this) {
      if (closed || hubLost(false)) {
        throw closedException();
      }
      Remote.call(() -> toHub.offer(new HubWire.Message(id, message)));
    }
  }

  /**
   * Receives the next message from the hub, waiting for one.
   *
   * @throws ChannelClosedException when the connection is done (no cause) or broken (the cause)
   * @throws dev.eio.Cancelled when the fiber is cancelled while waiting (nothing was taken)
   */
  public O receive() {
    if (hubLost(false) || ended) {
      throw closedException();
    }
    Object w =
        Remote.take(
            fromHub,
            () -> hubLost(watch.due()) || isClosed() ? closedException() : null);
    if (w instanceof HubWire.Out o) {
      @SuppressWarnings("unchecked")
      O value = (O) o.value();
      return value;
    }
    ended = true; // HubWire.End: disconnected by the hub, or the hub ended
    synchronized (this) {
      closed = true;
    }
    throw closedException();
  }

  private ChannelClosedException closedException() {
    return new ChannelClosedException(
        "connection " + id + " to hub '" + name + "' is closed", broken);
  }

  /**
   * Receives until the connection is done; throws {@link ChannelClosedException} from {@code
   * hasNext} when it is broken.
   */
  @Override
  public Iterator<O> iterator() {
    return new ReceiveIterator<>(this::receive, "connection " + id);
  }

  /**
   * Leaves the hub: the hub receives this party's Disconnected after the messages it sent; later
   * sends throw, receives drain what the hub sent before. Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (!hubLost(false)) {
        Remote.call(() -> toHub.offer(new HubWire.Leave(id)));
      }
    }
  }

  /** Whether this side can no longer send (closed here, by the hub, or the hub ended). */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "ClusterHubConnection[" + id + " to " + name + (isClosed() ? ", closed]" : "]");
  }

  /**
   * Whether the hub's member is lost (then {@code broken} says so): heard leaving, or, when {@code
   * look}, missing from the member list. A hub on a client is not looked for.
   */
  private boolean hubLost(boolean look) {
    if (broken != null) {
      return true;
    }
    if (hub.member()
        && (watch.departed(hub.owner()) || look && watch.lost(hub.owner()))) {
      broken =
          new IllegalStateException(
              "hub '" + name + "' lost its member " + hub.owner() + " (it left the cluster)");
      return true;
    }
    return false;
  }
}
