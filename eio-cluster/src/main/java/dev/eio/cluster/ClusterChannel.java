package dev.eio.cluster;

import com.hazelcast.collection.IQueue;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.eio.Cancelled;
import dev.eio.Channel;
import dev.eio.ChannelClosedException;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.internal.cluster.msg.ChannelOps;
import dev.eio.internal.cluster.msg.ChannelState.Phase;
import dev.eio.internal.cluster.msg.ChannelState;
import dev.eio.internal.cluster.msg.MemberWatch;
import dev.eio.internal.cluster.msg.ReceiveIterator;
import dev.eio.internal.cluster.msg.Remote;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A bounded FIFO channel between fibers on any members (or clients) of a Hazelcast cluster, with
 * the contract of {@link Channel}: {@link #send} waits while the channel is full, {@link #receive}
 * waits while it is empty, both are cancellable without losing or duplicating an item, and {@link
 * #close()} lets receivers drain what was sent. Every handle {@linkplain #open opened} under the
 * same name on the same cluster is the same channel.
 *
 * <p><b>Ordering.</b> Items are received in the order their sends completed (one Hazelcast {@code
 * IQueue}); waiting senders and receivers on different members are served in no particular
 * order.
 *
 * <p><b>Cancellation.</b> A cancelled {@code send} or {@code receive} throws {@link Cancelled}
 * and did not happen: the item was not accepted, resp. not taken. A Hazelcast call is never
 * interrupted (an interrupted {@code IQueue.poll} loses the item of its late reply); instead each
 * call waits at most 25 ms and the fiber checks for cancellation between calls, so a cancel takes
 * effect within about 25 ms plus a round trip. An operation whose call completed returns normally
 * and leaves the fiber cancelled, as in {@link Channel}.
 *
 * <p><b>Closing.</b> {@link #close()} from any member: further sends on every member throw {@link
 * ChannelClosedException}, and receivers first drain every item whose send completed, then throw
 * it with no cause. Exactly: each handle stops sending (waiting for its sends in progress) and
 * reports so; once all have, the channel is sealed, no item can enter, and a receiver that finds
 * it empty knows it is drained. {@link #fail(Throwable)}: items are dropped and every receive and
 * send throws with the failure as cause (a cause that cannot be serialized travels as its {@code
 * toString}).
 *
 * <p><b>Member loss.</b> Items in the channel survive the loss of one member (the queue keeps one
 * backup). An item that a receiver took is gone from the channel: if that receiver's member dies
 * before it handles the item, the item is lost (at most once). A handle on a member that leaves
 * the cluster no longer holds up sealing; a handle on a <i>client</i> that vanishes without
 * releasing does (its sends may still be in flight), so receivers then wait until it is released.
 *
 * <p><b>Deliberate differences from {@link Channel}.</b> No rendezvous (capacity 0) and no
 * {@code select}; waiting parties on different members are not served first-come, first-served;
 * a close reaches receivers on other members after a map event (milliseconds); a channel left open
 * outlives its handles (its items wait for a later handle) until it is closed and every handle is
 * released, then its queue and state are removed.
 *
 * <p><b>Memory.</b> At most {@code capacity} items in the cluster (plus one backup copy); per
 * handle one map listener, one membership listener and one daemon fiber, all released with the
 * owning switch.
 *
 * <pre>{@code
 * // on every member: the same name, the same capacity
 * Switch.run(sw -> {
 *   ClusterChannel<String> jobs = ClusterChannel.open(sw, hazelcast, "jobs", 64);
 *   if (producer) {
 *     for (String j : work) jobs.send(j);
 *     jobs.close();                         // receivers on all members drain, then stop
 *   } else {
 *     for (String j : jobs) handle(j);      // ends normally once closed and drained
 *   }
 * });
 * }</pre>
 *
 * @param <T> the type of the items (serializable by Hazelcast)
 */
public final class ClusterChannel<T> implements Iterable<T> {
  private static final String STATES = "eio.channel";

  private final String name;
  private final IMap<String, ChannelState> states;
  private final String handle = UUID.randomUUID().toString();
  private final int capacity;
  // Senders hold the read lock across their check and offer; stopping to send takes the write
  // lock, so once it is taken no offer of this handle is in flight.
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile boolean stopped; // written under gate's write lock
  // Whether the channel's state counts this handle as stopped. Not the same as stopped: a handle
  // whose own close lost to another's has stopped but must still report it (ChannelOps.Ack).
  private volatile boolean acked;
  private volatile ChannelState view;
  private IQueue<T> queue;
  // Map events (ChannelState, or REMOVED) and departed members (UUID), for the watch fiber.
  private final Channel<Object> events = Channel.unbounded();
  private static final Object REMOVED = new Object();
  private MemberWatch watch;
  private final Set<UUID> reported = ConcurrentHashMap.newKeySet(); // lost members sent to watch()

  private ClusterChannel(String name, IMap<String, ChannelState> states, int capacity) {
    this.name = name;
    this.states = states;
    this.capacity = capacity;
  }

  /**
   * Opens the channel named {@code name} on the cluster of {@code hazelcast}, creating it when it
   * does not exist, as a handle owned by {@code sw}: the handle's listeners and fiber end with the
   * switch, and the channel's queue and state are removed once it is closed and its last handle
   * released.
   *
   * @param capacity the bound, at least 1; {@link Integer#MAX_VALUE} for unbounded
   * @throws IllegalArgumentException when {@code capacity} is below 1, {@code name} is blank or
   *     holds {@code '*'}, or the channel exists with another capacity
   */
  public static <T> ClusterChannel<T> open(
      Switch sw, HazelcastInstance hazelcast, String name, int capacity) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (hazelcast == null) {
      throw new NullPointerException("hazelcast");
    }
    Remote.checkName("channel", name);
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "capacity must be >= 1 (no rendezvous across members), got " + capacity);
    }
    ClusterChannel<T> ch = new ClusterChannel<>(name, hazelcast.getMap(STATES), capacity);
    ch.start(sw, hazelcast);
    return ch;
  }

  private void start(Switch sw, HazelcastInstance hz) {
    UUID self = Remote.self(hz);
    // Listen before joining, so that no close after the join goes unseen.
    UUID entryListener =
        Remote.call(() -> states.addEntryListener(new StateListener(), name, true));
    watch = MemberWatch.start(hz, events::trySend);
    boolean member = MemberWatch.isMember(hz);
    ChannelState s;
    try {
      s =
          Remote.call(
              () -> states.executeOnKey(name, new ChannelOps.Join(handle, self, member, capacity, UUID.randomUUID().toString())));
      if (s.capacity() != capacity) {
        throw new IllegalArgumentException(
            "channel '" + name + "' exists with capacity " + s.capacity() + ", not " + capacity);
      }
    } catch (RuntimeException e) {
      Remote.call(() -> states.removeEntryListener(entryListener));
      watch.stop();
      throw e;
    }
    view = s;
    // Joined a closing channel: registered as stopped, so it must never send.
    stopped = s.phase() != Phase.OPEN;
    acked = stopped;
    int max = capacity == Integer.MAX_VALUE ? 0 : capacity;
    Remote.call(
        () -> {
          hz.getConfig()
              .addQueueConfig(
                  new QueueConfig(ChannelState.queuePrefix(capacity) + "*").setMaxSize(max));
          queue = hz.getQueue(s.queueName(name));
          return null;
        });
    sw.onRelease(
        () -> {
          if (!hz.getLifecycleService().isRunning()) {
            return; // the member is gone, and its listeners with it
          }
          states.removeEntryListener(entryListener);
          watch.stop();
          if (states.executeOnKey(name, new ChannelOps.Leave(handle, null)) == null) {
            queue.destroy(); // closed and no handle left
          }
        });
    sw.forkDaemon(this::watch);
    events.trySend(s);
  }

  /** The fiber that stops this handle's sends when the channel closes, and reports it. */
  private void watch() {
    for (Object e : events) {
      ChannelState s;
      if (e instanceof UUID gone) {
        s = dropHandlesOf(gone);
      } else if (e == REMOVED) {
        continue; // our leave, or a released channel whose state we keep
      } else {
        s = (ChannelState) e;
      }
      merge(s);
      if (view.phase() != Phase.OPEN && !acked) {
        stopSending();
        merge(Remote.call(() -> states.executeOnKey(name, new ChannelOps.Ack(handle))));
        acked = true;
      }
    }
  }

  /**
   * Drops the handles of a member that left, retrying while the cluster settles (the entry's
   * partition may have been on that member): a silent handle would keep the channel from sealing.
   */
  private ChannelState dropHandlesOf(UUID gone) {
    for (int attempt = 1; ; attempt++) {
      try {
        return Remote.call(() -> states.executeOnKey(name, new ChannelOps.Leave(null, gone)));
      } catch (HazelcastException ex) {
        if (attempt == 40) {
          throw ex;
        }
        Remote.call(
            () -> {
              Thread.sleep(Remote.POLL_MILLIS);
              return null;
            });
        Fiber.check();
      }
    }
  }

  private void merge(ChannelState s) {
    synchronized (this) {
      view = ChannelState.later(view, s);
    }
  }

  private void stopSending() {
    gate.writeLock().lock();
    try {
      stopped = true;
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** The name the channel was opened under. */
  public String name() {
    return name;
  }

  /** The capacity, {@link Integer#MAX_VALUE} when unbounded. */
  public int capacity() {
    return capacity;
  }

  /** The number of items in the channel now, on all members. */
  public int size() {
    return Remote.call(queue::size);
  }

  /**
   * Whether this handle knows the channel is closed or failed: it can no longer send. A close on
   * another member is seen here after its map event.
   */
  public boolean isClosed() {
    return stopped || view.phase() != Phase.OPEN;
  }

  /**
   * Sends {@code item}, waiting while the channel is full.
   *
   * @throws NullPointerException when {@code item} is null
   * @throws ChannelClosedException when the channel is closed or failed (the item was not
   *     accepted)
   * @throws Cancelled when the fiber is cancelled while waiting (the item was not accepted)
   */
  public void send(T item) {
    if (item == null) {
      throw new NullPointerException("item");
    }
    while (!offer(item, Remote.POLL_MILLIS)) {
      Fiber.check();
    }
  }

  /**
   * Sends {@code item} only if the channel has room now.
   *
   * @return whether the item was accepted
   * @throws NullPointerException when {@code item} is null
   * @throws ChannelClosedException when the channel is closed or failed
   */
  public boolean trySend(T item) {
    if (item == null) {
      throw new NullPointerException("item");
    }
    return offer(item, 0);
  }

  private boolean offer(T item, long millis) {
    gate.readLock().lock();
    try {
      if (stopped) {
        throw closed();
      }
      return Remote.call(() -> queue.offer(item, millis, TimeUnit.MILLISECONDS));
    } finally {
      gate.readLock().unlock();
    }
  }

  /**
   * Receives the oldest item, waiting for one.
   *
   * @throws ChannelClosedException when the channel is closed and drained (no cause), or failed
   *     (the failure as cause)
   * @throws Cancelled when the fiber is cancelled while waiting (nothing was taken)
   */
  public T receive() {
    // Non-blocking polls and pauses of our own, as Remote.take: a blocking poll(timeout) whose
    // queue's partition was on a member that died can stay unanswered for minutes (seen in
    // MemberLossStressTest: a receiver stuck after draining, though the channel had sealed).
    // Not Remote.take itself: a failed channel throws before it polls.
    long pauseNanos = Remote.MIN_PAUSE_NANOS;
    while (true) {
      T item = poll();
      if (item != null) {
        return item;
      }
      pauseNanos = Remote.pause(pauseNanos);
    }
  }

  /**
   * Receives the oldest item if there is one now.
   *
   * @throws ChannelClosedException when the channel is closed and drained, or failed
   */
  public Optional<T> tryReceive() {
    return Optional.ofNullable(poll());
  }

  /** An item, or null when there is none now; throws once closed and drained. */
  private T poll() {
    if (view.phase() == Phase.FAILED) {
      throw closed();
    }
    T item = Remote.call(queue::poll);
    if (item != null) {
      return item;
    }
    ChannelState v = view;
    if (v.phase() == Phase.FAILED) {
      throw closed();
    }
    if (v.phase() == Phase.SEALED) {
      // Sealed: nothing enters any more, but an item may have come between our poll and the seal.
      item = Remote.call(queue::poll);
      if (item == null) {
        throw closed();
      }
    } else if (v.phase() == Phase.CLOSING) {
      checkLost(v);
    }
    return item;
  }

  /**
   * While the channel waits to seal, looks (at most once per {@link Remote#POLL_MILLIS}) for
   * handles whose member is missing from the member list, and has the watch fiber drop them: a
   * member that left before any live handle listened was never heard of, and its handle would
   * keep the channel from sealing. A client's handle is not looked for (clients are not members).
   */
  private void checkLost(ChannelState v) {
    if (!watch.due()) {
      return;
    }
    // The seal may have come in a map event that never arrived (the entry's partition moved with
    // a member that died): read the state itself too.
    ChannelState now = Remote.call(() -> states.get(name));
    if (now != null) {
      merge(now);
    }
    for (Map.Entry<String, UUID> h : v.handles().entrySet()) {
      UUID owner = h.getValue();
      if (!v.acked().contains(h.getKey()) && v.members().contains(owner)
          && !reported.contains(owner) && watch.lost(owner) && reported.add(owner)) {
        events.trySend(owner);
      }
    }
  }

  /**
   * Closes the channel on every member: receivers drain the items sent, then learn it is closed;
   * later sends throw {@link ChannelClosedException}. Senders on other members stop within a map
   * event's delay; their sends in progress complete (and are drained) or throw.
   *
   * @return whether this call closed it (false when it already was closed or failed)
   */
  public boolean close() {
    return closeWith(null);
  }

  /**
   * Fails the channel on every member with {@code failure}: the items are dropped, every receive
   * and send throws {@link ChannelClosedException} with {@code failure} as its cause.
   *
   * @return whether this call failed it (false when it already was closed or failed)
   * @throws NullPointerException when {@code failure} is null
   */
  public boolean fail(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure must not be null");
    }
    return closeWith(failure);
  }

  private boolean closeWith(Throwable failure) {
    stopSending();
    boolean mine;
    try {
      mine = Remote.call(() -> states.executeOnKey(name, new ChannelOps.Close(handle, failure)));
    } catch (HazelcastSerializationException e) {
      Throwable portable = new RuntimeException(failure.toString());
      mine = Remote.call(() -> states.executeOnKey(name, new ChannelOps.Close(handle, portable)));
    }
    if (mine) {
      acked = true; // the close counted this handle as stopped; a lost one leaves it to watch()
    }
    if (mine && failure != null) {
      Remote.call(
          () -> {
            queue.clear();
            return null;
          });
    }
    return mine;
  }

  private ChannelClosedException closed() {
    ChannelState v = view;
    if (v.phase() == Phase.FAILED) {
      return new ChannelClosedException("channel '" + name + "' failed", v.cause());
    }
    return new ChannelClosedException("channel '" + name + "' is closed", null);
  }

  /**
   * Receives until the channel is closed and drained, then ends; throws {@link
   * ChannelClosedException} from {@code hasNext} when it failed.
   */
  @Override
  public Iterator<T> iterator() {
    return new ReceiveIterator<>(this::receive, "channel '" + name + "'");
  }

  @Override
  public String toString() {
    return "ClusterChannel[" + name + ", capacity " + capacity + ", " + view.phase() + "]";
  }

  private final class StateListener
      implements EntryAddedListener<String, ChannelState>,
          EntryUpdatedListener<String, ChannelState>,
          EntryRemovedListener<String, ChannelState> {
    @Override
    public void entryAdded(EntryEvent<String, ChannelState> e) {
      events.trySend(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, ChannelState> e) {
      events.trySend(e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, ChannelState> e) {
      events.trySend(REMOVED);
    }
  }
}
