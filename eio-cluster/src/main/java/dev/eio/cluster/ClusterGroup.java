package dev.eio.cluster;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.internal.cluster.msg.GroupOps;
import dev.eio.internal.cluster.msg.GroupState;
import dev.eio.internal.cluster.msg.MemberWatch;
import dev.eio.internal.cluster.msg.Remote;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BinaryOperator;
import java.util.function.IntFunction;

/**
 * A group of {@code size} ranks, MPI style, on the members (or clients) of a Hazelcast cluster:
 * each rank knows its {@link #rank()} and the {@link #size()}, sends to and receives from a rank,
 * and takes part in collectives ({@link #barrier}, {@link #broadcast}, {@link #reduce}, {@link
 * #allReduce}, {@link #scatter}, {@link #gather}, {@link #allGather}) that every rank calls in the
 * same order.
 *
 * <p><b>Guarantees.</b> Ranks are unique: {@link #join} takes the rank asked for, or the lowest
 * free one, atomically in the group's map entry (no CP subsystem). Messages from one rank to
 * another arrive in the order sent, exactly once (one queue per pair of ranks; collectives use
 * their own queues, so they never mix with {@link #send}). Collectives are numbered and named; a rank that
 * calls them in a different order than rank 0 gets {@link IllegalStateException}. {@link #reduce}
 * folds in rank order with the root's operator, so any associative operator gives the same result
 * on every run.
 *
 * <p><b>Failure: an exception, never a hang.</b> A rank whose fiber is cancelled or fails inside a
 * group operation, or whose member leaves the cluster, <i>breaks</i> the group: every pending and
 * later operation of every rank throws {@link GroupBrokenException} naming that rank, within about
 * 25 ms of the map event. A waiting rank does not rely on hearing of a lost member: it also reads
 * the member list every 25 ms, so a member that left before the others listened (never heard of
 * by them) is found too, within about 2 s. A rank on a <i>client</i> that vanishes is not noticed
 * at all (clients are not members): the others wait until cancelled. A rank that leaves normally
 * (its switch ends) does not break it, but an operation that waits for more from it throws. Operations are cancellable like {@link
 * dev.eio.Channel}'s, and a Hazelcast call is never interrupted (a cancelled receive took
 * nothing).
 *
 * <p><b>Memory.</b> Messages wait in unbounded queues at the receiving side (no flow control
 * between ranks). The group's entry and queues are removed as its ranks leave; per rank one map
 * listener and one membership listener, released with the owning switch.
 *
 * <pre>{@code
 * // on each of 3 members
 * Switch.run(sw -> {
 *   ClusterGroup g = ClusterGroup.join(sw, hazelcast, "sum", 3);  // waits for all 3 ranks
 *   long part = sumOfSlice(g.rank(), g.size());
 *   long total = g.allReduce(part, Long::sum);
 *   g.barrier();
 *   if (g.rank() == 0) System.out.println(total);
 * });
 * }</pre>
 */
public final class ClusterGroup {
  private static final String STATES = "eio.group";
  private static final String USER = "p";
  private static final String COLLECTIVE = "c";

  private final HazelcastInstance hz;
  private final String name;
  private final int rank;
  private final IMap<String, GroupState> states;
  private volatile GroupState view;
  private long collectives; // the number of the next collective; used by this rank's fibers
  private final List<IQueue<Message>> inbound = new ArrayList<>();
  // Members lost, as this instance sees them (heard leaving, or missing from the member list): a
  // lost rank is noticed here even when the map update recording it has not arrived (or could
  // not be made), and even when its member left before this rank listened.
  private final MemberWatch watch;
  private final Set<UUID> recorded = ConcurrentHashMap.newKeySet(); // losses put in the map

  /** What travels between ranks: the collective's number and name (null for send), the value. */
  private record Message(String tag, Object value) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  private ClusterGroup(
      HazelcastInstance hz, String name, int rank, IMap<String, GroupState> m, MemberWatch w) {
    this.hz = hz;
    this.name = name;
    this.rank = rank;
    this.states = m;
    this.watch = w;
  }

  /**
   * Joins group {@code name} of {@code size} ranks with the lowest free rank and waits until all
   * ranks have joined; see {@link #join(Switch, HazelcastInstance, String, int, int)}.
   */
  public static ClusterGroup join(Switch sw, HazelcastInstance hazelcast, String name, int size) {
    return join(sw, hazelcast, name, size, -1);
  }

  /**
   * Joins group {@code name} of {@code size} ranks as rank {@code rank} (or the lowest free rank
   * when {@code rank} is -1) and waits until all ranks have joined. The rank is owned by {@code
   * sw}: it leaves the group when the switch finishes.
   *
   * @throws IllegalArgumentException when {@code size} is below 1, {@code rank} is outside
   *     {@code -1..size-1}, or {@code name} is blank or holds {@code '*'}
   * @throws IllegalStateException when the rank is taken, every rank is taken, the group exists
   *     with another size, or it is broken
   * @throws GroupBrokenException when a rank leaves or is lost before the group formed
   * @throws Cancelled when the fiber is cancelled while waiting (the group is then broken)
   */
  public static ClusterGroup join(
      Switch sw, HazelcastInstance hazelcast, String name, int size, int rank) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (hazelcast == null) {
      throw new NullPointerException("hazelcast");
    }
    Remote.checkName("group", name);
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    if (rank < -1 || rank >= size) {
      throw new IllegalArgumentException(
          "rank must be -1 (any) or in 0.." + (size - 1) + ", got " + rank);
    }
    IMap<String, GroupState> states = hazelcast.getMap(STATES);
    UUID self = Remote.self(hazelcast);
    boolean member = MemberWatch.isMember(hazelcast);
    // Listen before joining: a member that leaves after this is heard; one that left before is
    // missing from the member list that the watch reads while this rank waits.
    AtomicReference<ClusterGroup> joined = new AtomicReference<>();
    MemberWatch w =
        MemberWatch.start(
            hazelcast,
            gone -> {
              // Whatever this rank's view: the map decides whether gone owned a rank.
              ClusterGroup g = joined.get();
              record(states, name, gone, g);
            });
    GroupOps.Joined j;
    try {
      // The id of a new group is drawn here: see GroupOps.Join.
      String id = UUID.randomUUID().toString();
      j = Remote.call(
          () -> states.executeOnKey(name, new GroupOps.Join(size, rank, self, member, id)));
      if (j.rank() < 0) {
        throw new IllegalStateException("cannot join group '" + name + "': " + j.refusal());
      }
    } catch (RuntimeException e) {
      w.stop();
      throw e;
    }
    ClusterGroup g = new ClusterGroup(hazelcast, name, j.rank(), states, w);
    g.view = j.state();
    joined.set(g);
    g.start(sw);
    g.guarded(g::awaitFormed);
    return g;
  }

  private void start(Switch sw) {
    UUID entryListener =
        Remote.call(
            () ->
                states.addEntryListener(
                    (EntryUpdatedListener<String, GroupState>) this::updated, name, true));
    sw.onRelease(
        () -> {
          if (!hz.getLifecycleService().isRunning()) {
            return;
          }
          states.removeEntryListener(entryListener);
          watch.stop();
          states.executeOnKey(name, new GroupOps.Leave(rank, "rank " + rank + " left", false));
          for (IQueue<Message> q : inbound) {
            q.destroy();
          }
        });
  }

  private void updated(EntryEvent<String, GroupState> e) {
    merge(e.getValue());
  }

  private synchronized void merge(GroupState s) {
    // Map events of one key arrive in order; a reply may be older than an event already seen.
    if (s != null && s.id().equals(view.id())
        && (s.gone().size() > view.gone().size() || s.broken() != null && view.broken() == null
            || !view.formed() && s.formed())) {
      view = s;
    }
  }

  private void awaitFormed() {
    while (!view.formed()) {
      checkLost();
      checkBroken();
      GroupState s = Remote.call(() -> states.get(name));
      if (s == null || !s.id().equals(view.id())) {
        throw new GroupBrokenException(name, -1, "the group was removed before it formed");
      }
      merge(s);
      if (!view.formed()) {
        Remote.call(
            () -> {
              Thread.sleep(Remote.POLL_MILLIS);
              return null;
            });
        Fiber.check();
      }
    }
    for (int from = 0; from < size(); from++) {
      inbound.add(hz.getQueue(view.queue(USER, from, rank)));
    }
    for (int from = 0; from < size(); from++) {
      inbound.add(hz.getQueue(view.queue(COLLECTIVE, from, rank)));
    }
  }

  /** This rank, in {@code 0..size()-1}. */
  public int rank() {
    return rank;
  }

  /** The number of ranks. */
  public int size() {
    return view.size();
  }

  /** The group's name. */
  public String name() {
    return name;
  }

  /**
   * Sends {@code value} to rank {@code to}; never waits for the receiver.
   *
   * @throws NullPointerException when {@code value} is null
   * @throws IllegalArgumentException when {@code to} is not a rank
   * @throws GroupBrokenException when the group is broken or {@code to} has left
   */
  public void send(int to, Object value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    checkRank("to", to);
    guarded(() -> put(USER, to, new Message(null, value)));
  }

  /**
   * Receives the next value rank {@code from} sent to this rank, waiting for it.
   *
   * @throws IllegalArgumentException when {@code from} is not a rank
   * @throws GroupBrokenException when the group is broken, or {@code from} left and sent nothing
   *     more
   * @throws Cancelled when the fiber is cancelled while waiting (nothing was taken; the group is
   *     then broken)
   */
  public <T> T receive(int from) {
    checkRank("from", from);
    return guarded(
        () -> {
          @SuppressWarnings("unchecked")
          T v = (T) take(USER, from).value();
          return v;
        });
  }

  /** Waits until every rank has reached its barrier of the same number. */
  public void barrier() {
    collective(
        "barrier",
        seq -> {
          gatherAt(0, seq, Boolean.TRUE);
          scatterFrom(0, seq, null);
          return null;
        });
  }

  /**
   * Every rank gets {@code value} of rank {@code root} (the others' {@code value} is ignored and
   * may be null).
   */
  public <T> T broadcast(int root, T value) {
    checkRank("root", root);
    return collective("broadcast", seq -> scatterFrom(root, seq, value));
  }

  /**
   * Folds every rank's {@code value} with {@code root}'s {@code op} in rank order; the result at
   * {@code root}, empty elsewhere.
   */
  public <T> Optional<T> reduce(int root, T value, BinaryOperator<T> op) {
    checkRank("root", root);
    if (op == null) {
      throw new NullPointerException("op");
    }
    return collective("reduce", seq -> gatherAt(root, seq, value).map(all -> fold(all, op)));
  }

  /** Folds every rank's {@code value} with rank 0's {@code op} in rank order; every rank gets it. */
  public <T> T allReduce(T value, BinaryOperator<T> op) {
    if (op == null) {
      throw new NullPointerException("op");
    }
    return collective(
        "allReduce",
        seq -> scatterFrom(0, seq, gatherAt(0, seq, value).map(all -> fold(all, op)).orElse(null)));
  }

  /**
   * Rank {@code i} gets {@code values.get(i)} of {@code root} (others pass null).
   *
   * @throws IllegalArgumentException at {@code root} when {@code values} does not have one value
   *     per rank (the group is then broken)
   */
  public <T> T scatter(int root, List<? extends T> values) {
    checkRank("root", root);
    if (rank == root && (values == null || values.size() != size())) {
      throw new IllegalArgumentException(
          "scatter needs one value per rank (" + size() + "), got "
              + (values == null ? "null" : values.size()));
    }
    return collective("scatter", seq -> sendFrom(root, seq, r -> values.get(r)));
  }

  /** Rank {@code root} gets every rank's {@code value} in rank order; the others get empty. */
  public <T> Optional<List<T>> gather(int root, T value) {
    checkRank("root", root);
    return collective("gather", seq -> gatherAt(root, seq, value));
  }

  /** Every rank gets every rank's {@code value} in rank order. */
  public <T> List<T> allGather(T value) {
    return collective("allGather", seq -> scatterFrom(0, seq, gatherAt(0, seq, value).orElse(null)));
  }

  // ---------------------------------------------------------------------------------------------

  private interface Step<R> {
    R run(String tag);
  }

  private synchronized long nextSeq() {
    return collectives++;
  }

  private <R> R collective(String op, Step<R> step) {
    String tag = "#" + nextSeq() + " " + op;
    return guarded(() -> step.run(tag));
  }

  /** {@code value} of every rank, in rank order, at {@code root}. */
  private <T> Optional<List<T>> gatherAt(int root, String seq, T value) {
    if (rank != root) {
      put(COLLECTIVE, root, new Message(seq, value));
      return Optional.empty();
    }
    List<T> all = new ArrayList<>(size());
    for (int r = 0; r < size(); r++) {
      @SuppressWarnings("unchecked")
      T v = r == rank ? value : (T) take(COLLECTIVE, r, seq);
      all.add(v);
    }
    return Optional.of(all);
  }

  /** {@code value} of {@code root}, at every rank. */
  private <T> T scatterFrom(int root, String seq, T value) {
    return sendFrom(root, seq, r -> value);
  }

  /** At {@code root}: sends {@code valueFor(r)} to each other rank r; every rank gets its own. */
  private <T> T sendFrom(int root, String seq, IntFunction<? extends T> valueFor) {
    if (rank != root) {
      @SuppressWarnings("unchecked")
      T v = (T) take(COLLECTIVE, root, seq);
      return v;
    }
    for (int r = 0; r < size(); r++) {
      if (r != root) {
        put(COLLECTIVE, r, new Message(seq, valueFor.apply(r)));
      }
    }
    return valueFor.apply(root);
  }

  private static <T> T fold(List<T> all, BinaryOperator<T> op) {
    T acc = all.get(0);
    for (int i = 1; i < all.size(); i++) {
      acc = op.apply(acc, all.get(i));
    }
    return acc;
  }

  private Object take(String kind, int from, String tag) {
    Message m = take(kind, from);
    if (!tag.equals(m.tag())) {
      throw new IllegalStateException(
          "group '" + name + "': rank " + rank + " is at collective " + tag + " but rank " + from
              + " sent for collective " + m.tag() + ": every rank must call the collectives in"
              + " the same order");
    }
    return m.value();
  }

  private void put(String kind, int to, Message m) {
    checkBroken();
    String gone = view.gone().get(to);
    if (gone != null) {
      throw new GroupBrokenException(name, to, gone);
    }
    IQueue<Message> q = hz.getQueue(view.queue(kind, rank, to));
    Remote.call(() -> q.offer(m));
  }

  private Message take(String kind, int from) {
    IQueue<Message> q = inbound.get((kind.equals(USER) ? 0 : size()) + from);
    checkBroken();
    return Remote.take(
        q,
        () -> {
          checkLost();
          checkBroken();
          String gone = view.gone().get(from);
          return gone == null ? null : new GroupBrokenException(name, from, gone);
        });
  }

  private void checkBroken() {
    GroupState v = view;
    if (v.broken() != null) {
      throw new GroupBrokenException(name, v.brokenRank(), v.broken());
    }
    for (int r = 0; r < v.size(); r++) {
      UUID owner = v.owners().get(r);
      if (owner != null && watch.departed(owner) && !v.gone().containsKey(r)) {
        throw new GroupBrokenException(name, r, GroupState.lostMember(r, owner));
      }
    }
  }

  /**
   * Looks, at most once per {@link Remote#POLL_MILLIS}, whether a member owning a rank is missing
   * from the cluster, and records a loss in the map so that every rank sees it: detection never
   * rests on one membership event, which is lost when it fires before the listener exists. A
   * client's rank is not looked for (clients are not in the member list).
   */
  private void checkLost() {
    if (!watch.due()) {
      return;
    }
    GroupState v = view;
    for (int r = 0; r < v.size(); r++) {
      UUID owner = v.owners().get(r);
      if (owner != null && v.members().contains(owner) && !v.gone().containsKey(r)
          && watch.lost(owner) && recorded.add(owner)) {
        record(states, name, owner, this);
      }
    }
  }

  /** Records in the map that member {@code gone} left; merges the outcome into {@code g}'s view. */
  private static void record(
      IMap<String, GroupState> states, String name, UUID gone, ClusterGroup g) {
    // Asynchronous: called on a Hazelcast event thread, which must not block.
    states.submitToKey(name, new GroupOps.MemberGone(gone))
        .thenAccept(
            s -> {
              if (g != null) {
                g.merge(s);
              }
            });
  }

  private void checkRank(String what, int r) {
    if (r < 0 || r >= size()) {
      throw new IllegalArgumentException(
          what + " must be a rank in 0.." + (size() - 1) + ", got " + r);
    }
  }

  private void guarded(Runnable op) {
    guarded(
        () -> {
          op.run();
          return null;
        });
  }

  /**
   * Runs a group operation; a cancellation or failure of this rank inside it breaks the group, so
   * that the ranks waiting for this one throw instead of hanging.
   */
  private <R> R guarded(java.util.function.Supplier<R> op) {
    try {
      return op.get();
    } catch (GroupBrokenException e) {
      throw e;
    } catch (Cancelled e) {
      breakGroup("rank " + rank + " was cancelled");
      throw e;
    } catch (RuntimeException | Error e) {
      breakGroup("rank " + rank + " failed: " + e);
      throw e;
    }
  }

  private void breakGroup(String why) {
    if (!hz.getLifecycleService().isRunning()) {
      return;
    }
    merge(Remote.call(() -> states.executeOnKey(name, new GroupOps.Leave(rank, why, true))));
  }

  @Override
  public String toString() {
    return "ClusterGroup[" + name + ", rank " + rank + " of " + size() + "]";
  }
}
