package dev.eio.cluster;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.eio.ChannelClosedException;
import dev.eio.Switch;
import dev.eio.internal.cluster.msg.HubWire;
import dev.eio.internal.cluster.msg.MemberWatch;
import dev.eio.internal.cluster.msg.ReceiveIterator;
import dev.eio.internal.cluster.msg.Remote;
import dev.eio.workers.Hub;
import dev.eio.workers.HubEvent;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A named hub on one member (or client) of a Hazelcast cluster, that parties on any member
 * {@linkplain #connect connect} to: the cluster's counterpart of a worker's {@link Hub}, with the
 * same interface. The hub receives every party's events (connected, message, disconnected) in one
 * stream, answers one party with {@link #send}, all with {@link #broadcast}, and can {@link
 * #disconnect} one.
 *
 * <p><b>Guarantees.</b> Events follow {@link HubEvent}'s rules: per party, {@link
 * HubEvent.Connected} first, its messages in the order it sent them, then {@link
 * HubEvent.Disconnected} once, whether the party {@linkplain ClusterHubConnection#close closed},
 * the hub disconnected it, its switch ended, or its member left the cluster (then after the
 * messages that reached the hub). Messages to one party arrive in the order sent; a message to a
 * party no longer connected is dropped ({@link #send} returns false). {@link #receive} is
 * cancellable without losing an event; it throws {@link ChannelClosedException} once the hub is
 * {@linkplain #close closed} and every party has left. Party ids come from a Hazelcast {@code
 * FlakeIdGenerator}: unique in the cluster.
 *
 * <p><b>Ownership.</b> The hub is owned by a switch: when it finishes, the hub's name is free
 * again, every connected party's stream ends (done) and the hub's queue is removed. One hub per
 * name is served at a time; a hub whose member left the cluster can be served again elsewhere.
 *
 * <p><b>Memory.</b> Events and per-party messages wait in unbounded queues (no flow control per
 * party, as with the worker hub).
 *
 * <pre>{@code
 * // member A
 * Switch.run(sw -> {
 *   ClusterHub<String, String> chat = ClusterHub.open(sw, hazelcast, "chat");
 *   for (HubEvent<String> e : chat) {
 *     if (e instanceof HubEvent.Message<String>(long from, String text)) chat.broadcast(from + ": " + text);
 *   }
 * });
 * // member B
 * Switch.run(sw -> {
 *   ClusterHubConnection<String, String> c = ClusterHub.connect(sw, hazelcast, "chat");
 *   c.send("hello");
 *   System.out.println(c.receive()); // "17...: hello"
 * });
 * }</pre>
 *
 * @param <I> the type of the messages parties send to the hub
 * @param <O> the type of the messages the hub sends to parties
 */
public final class ClusterHub<I, O> implements Hub<I, O> {
  static final String HUBS = "eio.hub";
  static final String PARTY_IDS = "eio.hub.parties";

  private final HazelcastInstance hz;
  private final String name;
  private final HubWire.Served served;
  private final IQueue<Object> inbound;
  private final IMap<String, HubWire.Served> hubs;
  // Connected parties, by id, with the member or client each is on.
  private final ConcurrentHashMap<Long, HubWire.Connect> parties = new ConcurrentHashMap<>();
  private final Set<Long> leaving = ConcurrentHashMap.newKeySet(); // lost parties, Leave queued
  private volatile boolean closed;
  private MemberWatch watch;

  private ClusterHub(HazelcastInstance hz, String name, HubWire.Served served) {
    this.hz = hz;
    this.name = name;
    this.served = served;
    this.hubs = hz.getMap(HUBS);
    this.inbound = hz.getQueue(served.inbound());
  }

  /**
   * Serves the hub named {@code name} here, owned by {@code sw}.
   *
   * @throws IllegalStateException when a live member or client already serves that name
   * @throws IllegalArgumentException when {@code name} is blank or holds {@code '*'}
   */
  public static <I, O> ClusterHub<I, O> open(Switch sw, HazelcastInstance hazelcast, String name) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (hazelcast == null) {
      throw new NullPointerException("hazelcast");
    }
    Remote.checkName("hub", name);
    HubWire.Served me =
        new HubWire.Served(
            UUID.randomUUID().toString(), Remote.self(hazelcast), MemberWatch.isMember(hazelcast));
    IMap<String, HubWire.Served> hubs = hazelcast.getMap(HUBS);
    ClusterHub<I, O> hub = new ClusterHub<>(hazelcast, name, me);
    // Listen before the hub is published: no party can connect, and its member leave, unheard.
    hub.watch = MemberWatch.start(hazelcast, hub::memberLeft);
    try {
      HubWire.Served other = Remote.call(() -> hubs.putIfAbsent(name, me));
      if (other != null) {
        if (isLive(hazelcast, other.owner()) || !Remote.call(() -> hubs.replace(name, other, me))) {
          throw new IllegalStateException(
              "hub '" + name + "' is already served by " + other.owner());
        }
      }
    } catch (RuntimeException e) {
      hub.watch.stop();
      throw e;
    }
    sw.onRelease(hub::release);
    return hub;
  }

  /**
   * Connects to the hub named {@code name} from here; the connection is owned by {@code sw}
   * (closed when it finishes).
   *
   * @throws IllegalStateException when no hub of that name is served, or it was closed
   */
  public static <I, O> ClusterHubConnection<I, O> connect(
      Switch sw, HazelcastInstance hazelcast, String name) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (hazelcast == null) {
      throw new NullPointerException("hazelcast");
    }
    Remote.checkName("hub", name);
    IMap<String, HubWire.Served> hubs = hazelcast.getMap(HUBS);
    // Listen before looking the hub up: its member leaving after the look is heard.
    MemberWatch watch = MemberWatch.start(hazelcast, gone -> {});
    try {
      HubWire.Served s = Remote.call(() -> hubs.get(name));
      if (s == null || !isLive(hazelcast, s.owner())) {
        throw new IllegalStateException("no hub '" + name + "' is served (or it was closed)");
      }
      long id = Remote.call(() -> hazelcast.getFlakeIdGenerator(PARTY_IDS).newId());
      return ClusterHubConnection.start(sw, hazelcast, name, s, id, watch);
    } catch (RuntimeException e) {
      watch.stop();
      throw e;
    }
  }

  static boolean isLive(HazelcastInstance hz, UUID owner) {
    if (hz.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().equals(owner))) {
      return true;
    }
    try {
      return hz.getClientService().getConnectedClients().stream()
          .anyMatch(c -> c.getUuid().equals(owner));
    } catch (UnsupportedOperationException e) {
      return true; // a client cannot list the other clients: give the owner the benefit
    }
  }

  /** The hub's name. */
  public String name() {
    return name;
  }

  @Override
  public HubEvent<I> receive() {
    while (true) {
      Object w =
          Remote.take(
              inbound,
              () -> {
                checkLost();
                return closed && parties.isEmpty()
                    ? new ChannelClosedException("hub '" + name + "' is closed", null)
                    : null;
              });
      HubEvent<I> e = event(w);
      if (e != null) {
        return e;
      }
    }
  }

  /** The event of a wire item, or null for one about a party that already left. */
  private HubEvent<I> event(Object w) {
    switch (w) {
      case HubWire.Connect c -> {
        parties.put(c.party(), c);
        if (c.member() && watch.departed(c.owner())) {
          lose(c.party()); // its member left before its Connect was read: the Leave was not sent
        }
        return new HubEvent.Connected<>(c.party());
      }
      case HubWire.Message m -> {
        if (!parties.containsKey(m.party())) {
          return null;
        }
        @SuppressWarnings("unchecked")
        I value = (I) m.value();
        return new HubEvent.Message<>(m.party(), value);
      }
      case HubWire.Leave l -> {
        leaving.remove(l.party());
        return parties.remove(l.party()) == null ? null : new HubEvent.Disconnected<>(l.party());
      }
      default -> throw new IllegalStateException("hub '" + name + "': unknown item " + w);
    }
  }

  @Override
  public Iterator<HubEvent<I>> iterator() {
    return new ReceiveIterator<>(this::receive, "hub '" + name + "'");
  }

  @Override
  public boolean send(long party, O message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    if (!parties.containsKey(party)) {
      return false;
    }
    return toParty(party, new HubWire.Out(message));
  }

  private boolean toParty(long party, Object w) {
    IQueue<Object> q = hz.getQueue(served.outbound(party));
    return Remote.call(() -> q.offer(w));
  }

  @Override
  public int broadcast(O message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    int n = 0;
    for (Long p : parties.keySet()) {
      if (send(p, message)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Disconnects {@code party}: its connection stops receiving after the messages already sent,
   * and this hub receives its {@link HubEvent.Disconnected} after the messages it sent before.
   */
  @Override
  public boolean disconnect(long party) {
    if (!parties.containsKey(party)) {
      return false;
    }
    toParty(party, new HubWire.End());
    Remote.call(() -> inbound.offer(new HubWire.Leave(party)));
    return true;
  }

  @Override
  public Set<Long> parties() {
    return Set.copyOf(parties.keySet());
  }

  /**
   * Takes no more parties: the name is free for another hub, and the event stream ends once every
   * connected party has left. Idempotent.
   */
  public void close() {
    closed = true;
    Remote.call(() -> hubs.remove(name, served));
  }

  private void release() {
    if (!hz.getLifecycleService().isRunning()) {
      return;
    }
    watch.stop();
    hubs.remove(name, served);
    for (Long p : parties.keySet()) {
      toParty(p, new HubWire.End());
    }
    inbound.destroy();
  }

  @Override
  public String toString() {
    return "ClusterHub[" + name + ", " + parties.size() + " parties" + (closed ? ", closed]" : "]");
  }

  /** A member left: its parties get their Leave after what they sent (on an event thread). */
  private void memberLeft(UUID gone) {
    parties.forEach(
        (p, c) -> {
          if (c.owner().equals(gone)) {
            lose(p);
          }
        });
  }

  /**
   * Looks, at most once per {@link Remote#POLL_MILLIS}, for parties whose member is missing from
   * the member list: their member may have left before this hub read their Connect, when no event
   * could tell. A client's party is not looked for (clients are not members).
   */
  private void checkLost() {
    if (!watch.due()) {
      return;
    }
    parties.forEach(
        (p, c) -> {
          if (c.member() && !leaving.contains(p) && watch.lost(c.owner())) {
            lose(p);
          }
        });
  }

  /**
   * Queues the Leave of a lost party: through the queue, so that it comes after the messages that
   * party sent; a quick call (the queue is unbounded), also fine on an event thread.
   */
  private void lose(long party) {
    if (parties.containsKey(party) && leaving.add(party)) {
      inbound.offer(new HubWire.Leave(party));
    }
  }
}
