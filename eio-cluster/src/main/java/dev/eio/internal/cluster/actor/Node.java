package dev.eio.internal.cluster.actor;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Behavior;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import dev.eio.cluster.Cluster;
import dev.eio.internal.actor.ActorCell;
import dev.eio.internal.actor.DeadLetters;
import dev.eio.internal.actor.Export;
import dev.eio.internal.cluster.actor.ActorWire.ReasonForm;
import dev.eio.internal.cluster.actor.ActorWire.RefForm;
import dev.eio.internal.cluster.msg.Remote;
import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The actor node of one member or client: hosts the actors spawned here by others (in its
 * switch), gives local references their wire form, sends deliveries in order per target, puts
 * arriving ones back in order per source, and runs monitors across members.
 *
 * <p>Order: every delivery from this node to one host carries the next number of that link,
 * taken and sent under the link's lock; the receiver hands deliveries of one source to actors in
 * number order, holding early ones back. A gap that does not fill within {@link #GAP_MILLIS}
 * (its delivery was lost with a broken connection) is skipped; the lost number, if it ever comes,
 * is a dead letter. Decoding happens before ordering, outside the lock.
 */
public final class Node {
  static final String KEY = "dev.eio.cluster.actor.node";
  static final String EXECUTOR = "eio-actor";
  static final String INBOX = "eio.actor.inbox.";
  static final long GAP_MILLIS = 5_000;
  static final int MAX_PENDING = 10_000;
  private static final int ENDED_KEPT = 4_096;
  private static final long SPAWN_WAIT_SECONDS = 30;

  private static final ThreadLocal<Node> READING = new ThreadLocal<>();

  /** This node's id: the key of its outbound streams, and the name of a client's inbox. */
  final UUID id = UUID.randomUUID();

  private final HazelcastInstance hz;
  private final Cluster cluster;
  private final Codec codec;
  private final boolean member;
  private final UUID self;
  private final String address;
  private volatile boolean closed;
  private ActorRef<SpawnRequest> spawner;
  private ScheduledThreadPoolExecutor timer;

  private final Map<UUID, ActorRef<?>> exports = new ConcurrentHashMap<>();
  private final Map<ActorRef<?>, UUID> tokens = Collections.synchronizedMap(new IdentityHashMap<>());
  private final AtomicInteger exportsSinceSweep = new AtomicInteger();
  private final Map<UUID, ExitReason> ended =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, ExitReason> e) {
              return size() > ENDED_KEPT;
            }
          });
  private final Map<UUID, Inbound> inbound = new ConcurrentHashMap<>();
  private final Map<UUID, Link> links = new ConcurrentHashMap<>();
  private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
  private final AtomicLong nextWatch = new AtomicLong();
  private final Map<WatchKey, Hosted> hosted = new ConcurrentHashMap<>();
  private final LongAdder refused = new LongAdder();

  private record SpawnRequest(String name, Mailbox box, Behavior<?> behavior, CompletableFuture<ActorRef<?>> done) {}

  private record Watch(RefForm target, Consumer<? super ExitReason> callback) {}

  private record WatchKey(UUID source, long watch) {}

  private record Hosted(UUID sourceMember, ActorRef.ExitHandle handle) {}

  /** The outbound stream to one host: its last number, under its lock. */
  private static final class Link {
    long seq;
    boolean gone;
  }

  private Node(Cluster cluster) {
    this.cluster = cluster;
    this.hz = cluster.hazelcast();
    this.codec = cluster.config().codec();
    this.member = cluster.isMember();
    this.self = member ? hz.getCluster().getLocalMember().getUuid() : id;
    this.address = member ? describe(hz.getCluster().getLocalMember()) : "client " + id;
  }

  /** The node of {@code hz}, or null when it runs none. */
  static Node of(HazelcastInstance hz) {
    return (Node) hz.getUserContext().get(KEY);
  }

  /** Starts the node of {@code cluster}, owned by {@code sw} (the caller runs in sw). */
  public static Node start(Switch sw, Cluster cluster) {
    Node node = new Node(cluster);
    if (node.hz.getUserContext().putIfAbsent(KEY, node) != null) {
      throw new IllegalStateException(node.address + " runs cluster actors already");
    }
    try {
      sw.onRelease(node::close);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    node.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("eio-actor-gaps").unstarted(r));
    node.timer.setRemoveOnCancelPolicy(true);
    UUID listener = node.hz.getCluster().addMembershipListener(node.new Membership());
    sw.onRelease(
        () -> {
          if (node.hz.getLifecycleService().isRunning()) { // a terminated member has no listeners
            node.hz.getCluster().removeMembershipListener(listener);
          }
        });
    node.spawner =
        Actors.spawn(
            sw,
            "cluster-actors-spawner",
            Mailbox.unbounded(),
            (ActorContext<SpawnRequest> ctx) -> {
              while (true) {
                SpawnRequest r = ctx.receive();
                try {
                  @SuppressWarnings({"unchecked", "rawtypes"})
                  ActorRef<?> ref = ctx.spawn(r.name(), r.box(), (Behavior) r.behavior());
                  r.done().complete(ref);
                } catch (Throwable t) {
                  r.done().completeExceptionally(t);
                }
              }
            });
    if (!node.member) {
      sw.forkDaemon(node::pollInbox);
    }
    return node;
  }

  private void close() {
    closed = true;
    // The timer first: on a member that was terminated, the calls on hz below throw, and a timer
    // left running keeps its thread for the rest of the JVM (seen after RemoteActorTest).
    if (timer != null) {
      timer.shutdownNow();
    }
    try {
      hz.getUserContext().remove(KEY, this);
    } catch (RuntimeException e) {
      // The instance is gone, and its user context with it.
    }
    if (!member && hz.getLifecycleService().isRunning()) {
      try {
        hz.getQueue(INBOX + id).destroy();
      } catch (RuntimeException e) {
        // The cluster is gone already: nothing left to clean.
      }
    }
  }

  /** A client has no executor of its own: members put its deliveries in its inbox queue. */
  private void pollInbox() {
    IQueue<Delivery> q = hz.getQueue(INBOX + id);
    while (true) {
      Delivery d;
      try {
        // Remote.take, not a blocking poll: a blocking poll whose partition's member died can
        // stay unanswered for minutes, and a protected call cannot be abandoned.
        d = Remote.take(q, () -> null);
      } catch (HazelcastException e) {
        // The member holding this inbox's partition died (a kill -9 failed the poll with
        // TargetDisconnectedException and, with it, the client's switch): the queue's backup
        // answers once the cluster has moved the partition. A delivery that member was handing
        // over is lost, which at-most-once allows (ADR 36). A client shut down stops here.
        if (closed || !hz.getLifecycleService().isRunning()) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Remote.POLL_MILLIS));
        Fiber.check();
        continue;
      }
      arrive(d);
    }
  }

  /** This node's place, for messages: {@code host:port (uuid)} or {@code client <id>}. */
  public String address() {
    return address;
  }

  /** Deliveries refused here: unknown (forged or stale) references, messages the codec refused. */
  public long refused() {
    return refused.sum();
  }

  public Cluster cluster() {
    return cluster;
  }

  static String describe(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort() + " (" + m.getUuid() + ")";
  }

  static String address(HazelcastInstance hz) {
    return describe(hz.getCluster().getLocalMember());
  }

  private Member memberOf(UUID uuid) {
    for (Member m : hz.getCluster().getMembers()) {
      if (m.getUuid().equals(uuid)) {
        return m;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ references

  /** Spawns an actor in this node's switch (called from a task on a member's executor). */
  ActorRef<?> spawnHere(String name, Mailbox box, Behavior<?> behavior) {
    if (closed || !spawner.isAlive()) {
      throw new IllegalStateException(address + ": its cluster actors have stopped (their switch finished)");
    }
    CompletableFuture<ActorRef<?>> done = new CompletableFuture<>();
    spawner.send(new SpawnRequest(name, box, behavior, done));
    try {
      return done.get(SPAWN_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.eio.Cancelled(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(address + ": could not spawn '" + name + "' within " + SPAWN_WAIT_SECONDS + " s");
    }
  }

  /** The wire form of {@code ref}, registering a local actor under a fresh token. */
  RefForm export(ActorRef<?> ref) {
    if (ref instanceof RemoteRef<?> r) {
      return r.form();
    }
    UUID token;
    boolean fresh = false;
    synchronized (tokens) {
      token = tokens.get(ref);
      if (token == null) {
        token = UUID.randomUUID(); // SecureRandom: a reference cannot be guessed
        tokens.put(ref, token);
        exports.put(token, ref);
        fresh = true;
      }
    }
    if (fresh) {
      UUID t = token;
      if (ref instanceof ActorCell<?>) {
        // Quiet: a remote reference existing is no one having heard of a failure.
        ActorCell.onExitQuietly(ref, r -> unexport(ref, t, r));
      } else if (exportsSinceSweep.incrementAndGet() >= 64) {
        sweep();
      }
    }
    String name = ref.name().length() > ActorWire.MAX_NAME ? ref.name().substring(0, ActorWire.MAX_NAME) : ref.name();
    return new RefForm(!member, self, token, name, address.length() > ActorWire.MAX_NAME ? "?" : address);
  }

  private void unexport(ActorRef<?> ref, UUID token, ExitReason reason) {
    ended.put(token, reason);
    exports.remove(token, ref);
    tokens.remove(ref);
  }

  /** Forgets reply addresses that were answered or given up (they cannot be watched). */
  private void sweep() {
    exportsSinceSweep.set(0);
    exports.entrySet().removeIf(e -> {
      if (!(e.getValue() instanceof ActorCell<?>) && !e.getValue().isAlive()) {
        tokens.remove(e.getValue());
        return true;
      }
      return false;
    });
  }

  /** The local actor exported under {@code token}, or null. */
  ActorRef<?> exported(UUID token) {
    return exports.get(token);
  }

  /** The reference {@code f} stands for here: the local actor itself, or a remote reference. */
  Object resolve(RefForm f) {
    if (f.clientHost() == !member && f.host().equals(self)) {
      ActorRef<?> local = exports.get(f.token());
      if (local != null) {
        return local;
      }
    }
    return new RemoteRef<>(this, f);
  }

  /** The node reading a reference on this thread now. */
  static Node reading() {
    return READING.get();
  }

  /** Runs {@code body} with references read as this node's. */
  public <T> T reading(Supplier<T> body) {
    Node before = READING.get();
    READING.set(this);
    try {
      return body.get();
    } finally {
      if (before == null) {
        READING.remove();
      } else {
        READING.set(before);
      }
    }
  }

  byte[] encode(Object value) {
    return Export.with(this::export, () -> codec.encode(value));
  }

  Object decode(byte[] bytes) {
    return reading(() -> codec.decode(bytes, ActorWire::ours));
  }

  // ------------------------------------------------------------------ sending

  /** Sends {@code message} to the actor {@code to}; false (a dead letter) when it cannot go. */
  boolean send(RefForm to, Object message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    byte[] bytes = encode(message); // over the codec's limits or off its list: the sender hears it
    if (!post(to, new Delivery(Delivery.MESSAGE, to.token(), 0, bytes))) {
      DeadLetters.add(1);
      return false;
    }
    return true;
  }

  /** Puts {@code d} on the link to {@code to}'s host; false when the host is gone. */
  private boolean post(RefForm to, Delivery d) {
    return post(to.clientHost(), to.host(), d);
  }

  private boolean post(boolean clientHost, UUID host, Delivery d) {
    if (closed) {
      return false;
    }
    d.source = id;
    d.sourceMember = member ? self : null;
    Link link = links.computeIfAbsent(host, h -> new Link());
    // Hazelcast calls are never interrupted (ADR 26): a cancelled sender's message goes or not,
    // whole; the flag is set again after.
    boolean interrupted = Thread.interrupted();
    try {
      synchronized (link) {
        if (link.gone) {
          return false;
        }
        d.seq = link.seq + 1;
        if (clientHost) {
          if (!hz.getQueue(INBOX + host).offer(d)) {
            return false;
          }
        } else {
          Member m = memberOf(host);
          if (m == null) {
            return false;
          }
          hz.getExecutorService(EXECUTOR).executeOnMember(d, m);
        }
        link.seq = d.seq;
        return true;
      }
    } catch (RuntimeException e) {
      // The host or this instance is gone: the delivery did not go (its number was not used).
      return false;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ------------------------------------------------------------------ watching

  /** Watches the remote actor {@code target}: {@code callback} runs once with its end. */
  ActorRef.ExitHandle watch(RefForm target, Consumer<? super ExitReason> callback) {
    long w = nextWatch.incrementAndGet();
    Watch watch = new Watch(target, callback);
    watches.put(w, watch);
    boolean sent = post(target, new Delivery(Delivery.MONITOR, target.token(), w, null));
    if (!sent || (!target.clientHost() && memberOf(target.host()) == null)) {
      if (watches.remove(w, watch)) {
        callback.accept(closed ? new ExitReason.Cancelled(null) : new ExitReason.MemberGone(target.describe()));
      }
    }
    return () -> {
      if (watches.remove(w, watch)) {
        post(target, new Delivery(Delivery.DEMONITOR, target.token(), w, null));
        return true;
      }
      return false;
    };
  }

  private void sendDown(boolean clientHost, UUID host, long watch, ExitReason reason) {
    byte[] bytes;
    try {
      bytes = codec.encode(ReasonForm.of(reason));
    } catch (CodecException e) {
      // A failure the codec cannot carry (a field that does not serialize): its text goes instead.
      Throwable t = reason instanceof ExitReason.Failed f ? f.failure() : null;
      RuntimeException plain = new RuntimeException(String.valueOf(t));
      if (t != null) {
        plain.setStackTrace(t.getStackTrace());
      }
      bytes = codec.encode(ReasonForm.of(new ExitReason.Failed(plain)));
    }
    post(clientHost, host, new Delivery(Delivery.DOWN, null, watch, bytes));
  }

  // ------------------------------------------------------------------ receiving

  /** What arrived, decoded (before it takes its turn). */
  private record Arrived(Delivery d, ActorRef<?> target, Object value, ExitReason reason) {}

  /** Takes a delivery: checks and decodes it, then hands it over in its source's order. */
  void arrive(Delivery d) {
    if (closed || d.source == null) {
      if (d.kind == Delivery.MESSAGE) {
        DeadLetters.add(1);
      }
      return;
    }
    ActorRef<?> target = null;
    Object value = null;
    ExitReason reason = null;
    if (d.kind == Delivery.MESSAGE) {
      // The token first: a forged or stale reference costs no decode and reaches no actor.
      target = d.token == null ? null : exports.get(d.token);
      if (target != null) {
        try {
          value = decode(d.payload == null ? new byte[0] : d.payload);
        } catch (RuntimeException e) {
          target = null; // off the allow-list, over the limits, or not a valid encoding
        }
      }
    } else if (d.kind == Delivery.DOWN) {
      try {
        reason = ((ReasonForm) reading(() -> codec.decode(d.payload, ActorWire::ours))).reason();
      } catch (RuntimeException e) {
        reason = new ExitReason.Failed(new IllegalStateException("an unreadable exit reason: " + e.getMessage()));
      }
    }
    inbound.computeIfAbsent(d.source, s -> new Inbound(d.sourceMember)).accept(new Arrived(d, target, value, reason));
  }

  /** One source's deliveries, handed over in number order. */
  private final class Inbound {
    final UUID sourceMember;
    long next = 1;
    java.util.TreeMap<Long, Arrived> pending;
    boolean timerSet;

    Inbound(UUID sourceMember) {
      this.sourceMember = sourceMember;
    }

    synchronized void accept(Arrived a) {
      long s = a.d().seq;
      if (s < next) {
        stale(a);
        return;
      }
      if (s > next) {
        if (pending == null) {
          pending = new java.util.TreeMap<>();
        }
        if (pending.putIfAbsent(s, a) != null) {
          stale(a);
        }
        if (pending.size() > MAX_PENDING) {
          skipGap();
        } else {
          armTimer();
        }
        return;
      }
      handle(a);
      next++;
      drain();
    }

    private void drain() {
      while (pending != null && !pending.isEmpty() && pending.firstKey() == next) {
        handle(pending.pollFirstEntry().getValue());
        next++;
      }
    }

    /** Gives up on the missing numbers before the first held-back delivery. */
    synchronized void skipGap() {
      if (pending != null && !pending.isEmpty()) {
        next = pending.firstKey();
        drain();
      }
    }

    private void armTimer() {
      if (timerSet || closed) {
        return;
      }
      timerSet = true;
      long waitingFor = next;
      try {
        timer.schedule(() -> gapTimedOut(waitingFor), GAP_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        timerSet = false; // closing
      }
    }

    private synchronized void gapTimedOut(long waitingFor) {
      timerSet = false;
      if (next == waitingFor) {
        skipGap();
      }
      if (pending != null && !pending.isEmpty()) {
        armTimer();
      }
    }

    private void stale(Arrived a) {
      if (a.d().kind == Delivery.MESSAGE) {
        DeadLetters.add(1);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void handle(Arrived a) {
    Delivery d = a.d();
    switch (d.kind) {
      case Delivery.MESSAGE -> {
        if (a.target() == null) {
          refused.increment();
          DeadLetters.add(1);
        } else {
          ActorRef<Object> target = (ActorRef<Object>) a.target();
          // Never waits: a full mailbox here is a dead letter (a stopped actor counts its own).
          if (!target.trySend(a.value()) && target.isAlive()) {
            DeadLetters.add(1);
          }
        }
      }
      case Delivery.MONITOR -> hostWatch(d);
      case Delivery.DEMONITOR -> {
        Hosted h = hosted.remove(new WatchKey(d.source, d.watch));
        if (h != null) {
          h.handle().remove();
        }
      }
      case Delivery.DOWN -> {
        Watch w = watches.remove(d.watch);
        if (w != null) {
          w.callback().accept(a.reason());
        }
      }
      default -> refused.increment();
    }
  }

  /** A watcher elsewhere monitors one of our actors: tell it the end, once. */
  private void hostWatch(Delivery d) {
    boolean clientWatcher = d.sourceMember == null;
    UUID back = clientWatcher ? d.source : d.sourceMember;
    long w = d.watch;
    ActorRef<?> target = d.token == null ? null : exports.get(d.token);
    if (target == null) {
      ExitReason r = d.token == null ? null : ended.get(d.token);
      sendDown(clientWatcher, back, w, r != null ? r : new ExitReason.Failed(new IllegalStateException(
          "no actor with this reference on " + address + " (it stopped long ago, or the reference is forged)")));
      return;
    }
    WatchKey key = new WatchKey(d.source, w);
    ActorRef.ExitHandle h;
    try {
      h = target.onExit(r -> {
        hosted.remove(key);
        sendDown(clientWatcher, back, w, r);
      });
    } catch (UnsupportedOperationException e) {
      return; // a reply address: it ends when answered, nobody watches it
    }
    hosted.put(key, new Hosted(d.sourceMember, h));
    if (!target.isAlive()) {
      hosted.remove(key);
    }
  }

  /** Members that leave: watches of their actors fire, their streams and watches end. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent e) {}

    @Override
    public void memberRemoved(MembershipEvent e) {
      UUID gone = e.getMember().getUuid();
      String name = describe(e.getMember());
      Link link = links.computeIfAbsent(gone, h -> new Link());
      synchronized (link) {
        link.gone = true;
      }
      for (Map.Entry<Long, Watch> en : watches.entrySet()) {
        Watch w = en.getValue();
        if (!w.target().clientHost() && w.target().host().equals(gone) && watches.remove(en.getKey(), w)) {
          w.callback().accept(new ExitReason.MemberGone(name));
        }
      }
      hosted.entrySet().removeIf(en -> {
        if (gone.equals(en.getValue().sourceMember())) {
          en.getValue().handle().remove();
          return true;
        }
        return false;
      });
      inbound.entrySet().removeIf(en -> {
        if (gone.equals(en.getValue().sourceMember)) {
          en.getValue().skipGap(); // what arrived from it is delivered, in order
          return true;
        }
        return false;
      });
    }
  }
}
