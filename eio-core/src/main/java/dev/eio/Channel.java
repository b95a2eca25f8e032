package dev.eio;

import static dev.eio.internal.channel.ChannelCore.RECEIVERS;
import static dev.eio.internal.channel.ChannelCore.SENDERS;

import dev.eio.internal.channel.ChannelCore;
import dev.eio.internal.channel.ChannelNode;
import dev.eio.internal.channel.ChannelIterator;
import dev.eio.internal.channel.ChannelWaiter;
import dev.eio.internal.channel.Closed;
import dev.eio.internal.Interrupts;
import dev.eio.internal.channel.SelectNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A FIFO channel between fibers (Eio's {@code Stream}), with a capacity of 0 (rendezvous: a send
 * completes only when a receiver takes the item), N (bounded buffer) or unbounded, plus closing
 * and {@link #select select} over several channels.
 *
 * <p><b>Ordering.</b> Items are received in the order their sends completed. Blocked senders and
 * blocked receivers are each served first-come, first-served: a waiting receiver gets an item
 * before a receiver that arrives later, a waiting sender's item enters the buffer before the item
 * of a sender that arrives later.
 *
 * <p><b>Cancellation.</b> {@link #send}, {@link #receive} and {@link #select} block and are
 * cancellable: a cancelled operation throws {@link Cancelled} and did not happen (the item was not
 * delivered, resp. not taken from the channel). An operation that completed before its fiber saw
 * the cancellation returns normally and leaves the fiber cancelled (the next blocking call
 * throws). So no item is ever lost or delivered twice; in particular a {@code receive} that loses
 * a {@link Fiber#first} race has not consumed anything. Like Eio, an operation that can complete
 * at once does so without checking for cancellation; {@link #trySend} and {@link #tryReceive}
 * never block and never throw {@link Cancelled}.
 *
 * <p><b>Closing.</b> {@link #close()} means "done": further sends throw {@link
 * ChannelClosedException}, senders blocked at that moment throw it too (their items were never
 * accepted), and receivers first drain the buffered items, then throw {@link
 * ChannelClosedException} with no cause. {@link #fail(Throwable)} means "broken": the buffered
 * items are dropped and every receive throws {@link ChannelClosedException} whose cause is the
 * failure. A for-each loop over the channel receives until it is closed, then ends normally; on a
 * failed channel it throws.
 *
 * <p><b>Memory.</b> A bounded channel holds at most its capacity of items; items are not {@code
 * null}. All state is guarded by one short spinning lock per channel (never held across a
 * blocking call), except that a rendezvous channel's only waiter waits in a lock-free slot, where
 * a peer meets it with one compare-and-set (ADR 19). A blocked operation costs one small waiter
 * plus one small node per channel it waits on, removed when it completes, is cancelled or times
 * out. A blocked fiber yields twice before it parks; the oldest waiter of a rendezvous channel
 * first spins for up to a microsecond, unless spinning recently only delayed a peer that shares
 * its carrier (ADR 16, ADR 19).
 *
 * <pre>{@code
 * Channel<String> lines = Channel.create(16);
 * Switch.run(sw -> {
 *   sw.fork(() -> {
 *     try (var in = Files.newBufferedReader(file)) {
 *       for (String l; (l = in.readLine()) != null; ) lines.send(l);
 *       lines.close();
 *     } catch (IOException e) {
 *       lines.fail(e);
 *     }
 *   });
 *   for (String line : lines) System.out.println(line);
 * });
 * }</pre>
 *
 * @param <T> the type of the items
 */
public final class Channel<T> implements Iterable<T> {
  private static final AtomicLong IDS = new AtomicLong();
  // Spinning before yielding pays when the peer runs on another carrier and loses when it is
  // queued behind us on ours; a channel stops spinning after SPIN_MISSES_BEFORE_BACKOFF spins in
  // a row that missed a peer which then came during our yields (so it shared our carrier), and
  // probes again every SPIN_PROBE_MASK + 1 waits. Only the oldest waiter of a rendezvous channel
  // spins: later ones wait for it anyway, and in a buffered channel yielding lets the peer fill
  // (or drain) the buffer, so that the next items need no wait at all (B2, ADR 16, ADR 19).
  private static final long SPIN_NANOS = 1_000L;
  private static final int SPIN_MISSES_BEFORE_BACKOFF = 4;
  private static final int SPIN_PROBE_MASK = 255;
  private static final long CENTURY = Duration.ofDays(36_525).toNanos();

  // Returned by pollLocked when there is nothing to take and the channel is open.
  private static final Object EMPTY = ChannelCore.EMPTY;
  // Returned by offerLocked when the item cannot be accepted without waiting.
  private static final Object FULL = new Object();
  private static final Object HANDED_OVER = ChannelCore.HANDED_OVER;

  private final int capacity; // Integer.MAX_VALUE when unbounded
  // The lock, the rendezvous slot, the queues of blocked senders and receivers, the closed state
  // and the waiter to wake after unlocking, in one object (ADR 17, ADR 19); its id is the order
  // in which select locks channels.
  private final ChannelCore core;
  private final ArrayDeque<Object> buffer; // guarded by core's lock
  private volatile boolean closedForSend;
  // Unpaid spins in a row of the rendezvous waiters; written without the lock by the waiter that
  // spun (a heuristic: a lost update only delays the next adjustment). Kept out of core, whose
  // line the peers swap on every item, and in this read-mostly object instead.
  private int spinMisses;

  private Channel(int capacity) {
    this.capacity = capacity;
    this.core = new ChannelCore(IDS.incrementAndGet(), capacity == 0);
    this.buffer = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * Creates a channel holding up to {@code capacity} items; {@code 0} makes a rendezvous channel,
   * where {@link #send} waits for a receiver.
   *
   * @throws IllegalArgumentException when {@code capacity} is negative
   */
  public static <T> Channel<T> create(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    return new Channel<>(capacity);
  }

  /** Creates a rendezvous channel (capacity 0): each send waits until a receiver takes it. */
  public static <T> Channel<T> rendezvous() {
    return new Channel<>(0);
  }

  /** Creates a channel without a capacity limit: {@link #send} never waits. */
  public static <T> Channel<T> unbounded() {
    return new Channel<>(Integer.MAX_VALUE);
  }

  /** The capacity, {@link Integer#MAX_VALUE} for an unbounded channel. */
  public int capacity() {
    return capacity;
  }

  /** The number of buffered items (those whose send completed and that nobody received yet). */
  public int size() {
    core.lock();
    try {
      return buffer.size();
    } finally {
      core.unlock();
    }
  }

  /**
   * Whether {@link #close()} or {@link #fail(Throwable)} was called: no more sends succeed,
   * though buffered items may remain to be received after a plain close.
   */
  public boolean isClosed() {
    return closedForSend;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending and receiving

  /**
   * Sends {@code item}, waiting while the buffer is full (for a rendezvous channel: until a
   * receiver takes it).
   *
   * @throws NullPointerException when {@code item} is null
   * @throws ChannelClosedException when the channel is closed or failed, before or while waiting
   *     (the item was not accepted)
   * @throws Cancelled when the fiber is cancelled while waiting (the item was not accepted)
   */
  public void send(T item) {
    requireItem(item);
    ChannelWaiter w = null;
    if (capacity == 0) {
      Object x = core.meetOrPublish(item);
      if (x == HANDED_OVER) {
        return;
      }
      if (x != EMPTY) {
        w = (ChannelWaiter) x;
      }
    }
    boolean spin = w != null; // see SPIN_NANOS: the slot's waiter is the oldest
    if (w == null) {
      core.lockFrozen();
      try {
        Object r = offerLocked(item);
        if (r == null) {
          return;
        }
        if (r instanceof Closed c) {
          throw c.sendFailure();
        }
        w = new ChannelWaiter(item);
        spin = capacity == 0 && core.isEmpty(SENDERS);
        core.add(SENDERS, w);
      } finally {
        core.unlockAndWake();
      }
    }
    ChannelNode won = awaitOrDequeue(w, SENDERS, spin);
    if (won.value instanceof Closed c) {
      throw c.sendFailure();
    }
  }

  /**
   * Sends {@code item} only if that needs no waiting.
   *
   * @return whether the item was accepted (buffered or handed to a waiting receiver)
   * @throws NullPointerException when {@code item} is null
   * @throws ChannelClosedException when the channel is closed or failed
   */
  public boolean trySend(T item) {
    requireItem(item);
    core.lockFrozen();
    try {
      Object r = offerLocked(item);
      if (r instanceof Closed c) {
        throw c.sendFailure();
      }
      return r == null;
    } finally {
      core.unlockAndWake();
    }
  }

  /**
   * Receives the oldest item, waiting until there is one.
   *
   * @throws ChannelClosedException when the channel is closed and drained (no cause) or failed
   *     (the failure as cause)
   * @throws Cancelled when the fiber is cancelled while waiting (no item was taken)
   */
  public T receive() {
    Object x = receiveOrClosed();
    if (x instanceof Closed c) {
      throw c.receiveFailure();
    }
    @SuppressWarnings("unchecked")
    T item = (T) x;
    return item;
  }

  /**
   * Receives the oldest item if one is available without waiting.
   *
   * @return the item, or empty when none is buffered and no sender is waiting
   * @throws ChannelClosedException when the channel is closed and drained, or failed
   */
  public Optional<T> tryReceive() {
    Object x;
    core.lockFrozen();
    try {
      x = pollLocked();
    } finally {
      core.unlockAndWake();
    }
    if (x == EMPTY) {
      return Optional.empty();
    }
    if (x instanceof Closed c) {
      throw c.receiveFailure();
    }
    @SuppressWarnings("unchecked")
    T item = (T) x;
    return Optional.of(item);
  }

  /** An item, or the {@link Closed} state once the channel is closed and drained, or failed. */
  private Object receiveOrClosed() {
    ChannelWaiter w = null;
    if (capacity == 0) {
      Object x = core.meetOrPublish(null);
      // No item is a ChannelWaiter: that class is internal (not exported to applications).
      if (x instanceof ChannelWaiter published) {
        w = published;
      } else if (x != EMPTY) {
        return x;
      }
    }
    boolean spin = w != null; // see SPIN_NANOS: the slot's waiter is the oldest
    if (w == null) {
      core.lockFrozen();
      try {
        Object x = pollLocked();
        if (x != EMPTY) {
          return x;
        }
        w = new ChannelWaiter(null);
        spin = capacity == 0 && core.isEmpty(RECEIVERS);
        core.add(RECEIVERS, w);
      } finally {
        core.unlockAndWake();
      }
    }
    return awaitOrDequeue(w, RECEIVERS, spin).value;
  }

  /**
   * Closes the channel: receivers drain the buffered items and then learn it is closed; blocked
   * and later senders throw {@link ChannelClosedException}.
   *
   * @return whether this call closed it (false when it already was closed or failed)
   */
  public boolean close() {
    return closeWith(new Closed(null));
  }

  /**
   * Fails the channel with {@code failure}: buffered items are dropped, every receive and send
   * throws {@link ChannelClosedException} with {@code failure} as its cause.
   *
   * @return whether this call failed it (false when it already was closed or failed)
   * @throws NullPointerException when {@code failure} is null
   */
  public boolean fail(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure must not be null");
    }
    return closeWith(new Closed(failure));
  }

  private boolean closeWith(Closed c) {
    core.lockFrozen();
    try {
      if (core.closed != null) {
        return false;
      }
      core.closed = c;
      closedForSend = true;
      if (c.cause() != null) {
        buffer.clear();
      }
      // Waiting receivers exist only when the buffer is empty, so waking them loses nothing.
      failAll(core, SENDERS, c);
      failAll(core, RECEIVERS, c);
      return true;
    } finally {
      core.unlockAndWake();
    }
  }

  private static void failAll(ChannelCore core, boolean senders, Closed c) {
    for (ChannelNode n; (n = core.poll(senders)) != null; ) {
      n.value = c;
      if (n.waiter().complete(n)) {
        n.waiter().wake();
      }
    }
  }

  /**
   * Receives until the channel is closed. {@code hasNext} blocks for the next item, returns false
   * once the channel is closed and drained, and throws {@link ChannelClosedException} when it
   * failed (and {@link Cancelled} when the fiber is cancelled while waiting).
   */
  @Override
  public Iterator<T> iterator() {
    return new ChannelIterator<>(this::receiveOrClosed);
  }

  // ---------------------------------------------------------------------------------------------
  // The state machine; every method here runs under the lock.

  /** Accepts {@code item}: null when done, FULL when it must wait, or the Closed state. */
  private Object offerLocked(Object item) {
    if (core.closed != null) {
      return core.closed;
    }
    // A receiver waits only while the buffer is empty, so handing over keeps FIFO order.
    for (ChannelNode n; (n = core.poll(RECEIVERS)) != null; ) {
      n.value = item;
      if (n.waiter().complete(n)) {
        core.toWake = n.waiter();
        return null;
      }
    }
    if (capacity != 0 && buffer.size() < capacity) {
      buffer.addLast(item);
      return null;
    }
    return FULL;
  }

  /** Takes the oldest item: the item, EMPTY when it must wait, or the Closed state. */
  private Object pollLocked() {
    // A rendezvous channel never buffers: leave the buffer's lines alone.
    Object x = capacity == 0 ? null : buffer.pollFirst();
    if (x != null) {
      // A slot freed: the oldest waiting sender's item moves in behind the others.
      for (ChannelNode n; (n = core.poll(SENDERS)) != null; ) {
        Object y = n.value;
        if (n.waiter().complete(n)) {
          core.toWake = n.waiter();
          buffer.addLast(y);
          break;
        }
      }
      return x;
    }
    for (ChannelNode n; (n = core.poll(SENDERS)) != null; ) {
      Object y = n.value;
      if (n.waiter().complete(n)) {
        core.toWake = n.waiter();
        return y;
      }
    }
    return core.closed != null ? core.closed : EMPTY;
  }

  // ---------------------------------------------------------------------------------------------
  // Waiting

  /**
   * Waits for a peer to complete {@code w} (its own node); when the fiber is cancelled first,
   * takes it out of the senders' or receivers' queue and throws {@link Cancelled}.
   */
  private ChannelNode awaitOrDequeue(ChannelWaiter w, boolean senders, boolean spin) {
    // A spin that pays completes the operation before it could block, so like an operation that
    // completes at once it needs no cancellation check (which costs as much as a short spin).
    boolean missed = false; // spun in vain
    if (spin) {
      int misses = spinMisses;
      if (misses >= SPIN_MISSES_BEFORE_BACKOFF) {
        spinMisses = (misses + 1) & SPIN_PROBE_MASK; // probe again after a while
      } else if (w.spin(SPIN_NANOS)) {
        if (misses != 0) {
          // Written only when it changes, so that in steady state both fibers' caches keep the
          // line (a store on every item would pull it from the peer each time).
          spinMisses = 0;
        }
        return w.winner();
      } else {
        missed = true;
      }
    }
    boolean completed = false;
    try {
      // Checked here rather than under the lock, which the check would hold up: a peer may have
      // completed the node meanwhile, and then the operation happened.
      try {
        Interrupts.check();
      } catch (Cancelled e) {
        if (w.cancel()) {
          throw e;
        }
      }
      w.yieldBeforePark();
      if (missed && w.winner() != null) {
        // The peer completed us only once we let others run: it shares our carrier, and
        // spinning only delayed it. (A spin that missed because the peer on another carrier was
        // slow is not counted: spinning stays the cheapest wait there.)
        spinMisses++;
      }
      ChannelNode won = w.awaitWinner(false, 0L);
      completed = true;
      return won;
    } finally {
      if (!completed && !core.take(w)) {
        core.lockFrozen();
        try {
          core.remove(senders, w);
        } finally {
          core.unlockAndWake();
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Select

  /**
   * One alternative of a {@link #select}: a receive or send on a channel, a default or a timeout.
   * Build clauses with {@link Channel#onReceive}, {@link Channel#onSend}, {@link
   * Channel#onDefault} and {@link Channel#onTimeout}.
   *
   * @param <R> the type of the value select returns when this clause is chosen
   */
  public static final class Clause<R> {
    private static final int RECEIVE = 0;
    private static final int SEND = 1;
    private static final int DEFAULT = 2;
    private static final int TIMEOUT = 3;

    private final int kind;
    private final Channel<?> channel;
    private final Object item;
    private final Function<Object, ? extends R> onItem;
    private final Supplier<? extends R> onDone;
    private final long timeoutNanos;

    private Clause(
        int kind,
        Channel<?> channel,
        Object item,
        Function<Object, ? extends R> onItem,
        Supplier<? extends R> onDone,
        long timeoutNanos) {
      this.kind = kind;
      this.channel = channel;
      this.item = item;
      this.onItem = onItem;
      this.onDone = onDone;
      this.timeoutNanos = timeoutNanos;
    }

    R run(Object value) {
      if (value instanceof Closed c) {
        throw kind == SEND ? c.sendFailure() : c.receiveFailure();
      }
      return kind == RECEIVE ? onItem.apply(value) : onDone.get();
    }

    @Override
    public String toString() {
      return switch (kind) {
        case RECEIVE -> "onReceive(" + channel + ")";
        case SEND -> "onSend(" + channel + ")";
        case DEFAULT -> "onDefault";
        default -> "onTimeout(" + Duration.ofNanos(timeoutNanos) + ")";
      };
    }
  }

  /**
   * A select clause that receives an item from this channel and returns {@code fn(item)}. When
   * the channel is closed and drained (or failed), the clause is ready and {@link #select} throws
   * {@link ChannelClosedException}.
   */
  public <R> Clause<R> onReceive(Function<? super T, ? extends R> fn) {
    if (fn == null) {
      throw new NullPointerException("fn must not be null");
    }
    @SuppressWarnings("unchecked")
    Function<Object, ? extends R> f = (Function<Object, ? extends R>) fn;
    return new Clause<>(Clause.RECEIVE, this, null, f, null, 0L);
  }

  /**
   * A select clause that sends {@code item} on this channel and then returns {@code fn.get()}.
   * When the channel is closed, the clause is ready and {@link #select} throws {@link
   * ChannelClosedException}.
   */
  public <R> Clause<R> onSend(T item, Supplier<? extends R> fn) {
    requireItem(item);
    if (fn == null) {
      throw new NullPointerException("fn must not be null");
    }
    return new Clause<>(Clause.SEND, this, item, null, fn, 0L);
  }

  /** A select clause chosen when no other clause can happen at once: select then never waits. */
  public static <R> Clause<R> onDefault(Supplier<? extends R> fn) {
    if (fn == null) {
      throw new NullPointerException("fn must not be null");
    }
    return new Clause<>(Clause.DEFAULT, null, null, null, fn, 0L);
  }

  /**
   * A select clause chosen when no other clause happened within {@code timeout} (real time,
   * measured from the call to select). For "now or never" use {@link #onDefault}.
   *
   * @throws IllegalArgumentException when {@code timeout} is zero or negative (as in Jox)
   */
  public static <R> Clause<R> onTimeout(Duration timeout, Supplier<? extends R> fn) {
    if (timeout == null) {
      throw new NullPointerException("timeout must not be null");
    }
    if (fn == null) {
      throw new NullPointerException("fn must not be null");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "timeout must be positive, got " + timeout + " (use onDefault for no wait)");
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // longer than any run
    }
    return new Clause<>(Clause.TIMEOUT, null, null, null, fn, nanos);
  }

  /**
   * Waits until exactly one of the clauses happens and returns the value of its function.
   *
   * <p>When several clauses can happen at once, the first in argument order wins. Otherwise the
   * caller waits on all channel clauses at once; the first peer to complete one of them wins and
   * the others are withdrawn without effect. A {@link #onDefault default} clause is chosen when
   * no channel clause can happen at once; a {@link #onTimeout timeout} clause when none happened
   * in time. The chosen clause's function runs in the calling fiber after the exchange.
   *
   * <p>Cancellation: a cancelled select throws {@link Cancelled} and no clause happened (nothing
   * was sent or received).
   *
   * <pre>{@code
   * String what = Channel.select(
   *     orders.onReceive(o -> "order " + o),
   *     audit.onSend(event, () -> "audited"),
   *     Channel.onTimeout(Duration.ofSeconds(1), () -> "idle"));
   * }</pre>
   *
   * @throws IllegalArgumentException when there is no channel clause, or more than one default
   *     or timeout clause
   * @throws NullPointerException when {@code clauses} or one of the clauses is null (the message
   *     gives its index)
   * @throws ChannelClosedException when the chosen clause's channel is closed (or failed)
   * @throws Cancelled when the fiber is cancelled while waiting
   */
  @SafeVarargs
  public static <R> R select(Clause<? extends R>... clauses) {
    if (clauses == null) {
      throw new NullPointerException("clauses must not be null");
    }
    return select(java.util.Arrays.asList(clauses));
  }

  /** {@link #select(Clause[])} with the clauses in a list. */
  public static <R> R select(List<? extends Clause<? extends R>> clauses) {
    if (clauses == null) {
      throw new NullPointerException("clauses must not be null");
    }
    int n = clauses.size();
    Clause<? extends R> fallback = null; // the default or timeout clause
    int channelClauses = 0;
    for (int i = 0; i < n; i++) {
      Clause<? extends R> c = clauses.get(i);
      if (c == null) {
        throw new NullPointerException("clause " + i + " must not be null");
      }
      if (c.kind == Clause.DEFAULT || c.kind == Clause.TIMEOUT) {
        if (fallback != null) {
          throw new IllegalArgumentException(
              "select takes at most one default or timeout clause, got " + fallback + " and " + c);
        }
        fallback = c;
      } else {
        channelClauses++;
      }
    }
    if (channelClauses == 0) {
      throw new IllegalArgumentException("select needs at least one send or receive clause");
    }
    ChannelCore[] locks = lockOrder(clauses, channelClauses);
    ChannelWaiter w = null;
    ChannelNode[] nodes = null;
    int ready = -1;
    Object readyValue = null;
    // A timeout beyond a century cannot expire in this run (and would overflow nanoTime sums).
    boolean timed =
        fallback != null && fallback.kind == Clause.TIMEOUT && fallback.timeoutNanos < CENTURY;
    long deadline = timed ? System.nanoTime() + fallback.timeoutNanos : 0L;
    // Holding every involved lock, the channels cannot change under us, so the clause found
    // ready really happens, and registering on all channels is one atomic step.
    ChannelCore.lockAll(locks);
    try {
      for (int i = 0; i < n && ready < 0; i++) {
        Clause<? extends R> c = clauses.get(i);
        if (c.kind == Clause.RECEIVE) {
          Object x = c.channel.pollLocked();
          if (x != EMPTY) {
            ready = i;
            readyValue = x;
          }
        } else if (c.kind == Clause.SEND) {
          Object r = c.channel.offerLocked(c.item);
          if (r != FULL) {
            ready = i;
            readyValue = r;
          }
        }
      }
      if (ready < 0 && (fallback == null || fallback.kind == Clause.TIMEOUT)) {
        Interrupts.check();
        w = new ChannelWaiter();
        nodes = new ChannelNode[n];
        for (int i = 0; i < n; i++) {
          Clause<? extends R> c = clauses.get(i);
          if (c.kind == Clause.RECEIVE) {
            nodes[i] = new SelectNode(w, i, null);
            c.channel.core.add(RECEIVERS, nodes[i]);
          } else if (c.kind == Clause.SEND) {
            nodes[i] = new SelectNode(w, i, c.item);
            c.channel.core.add(SENDERS, nodes[i]);
          }
        }
      }
    } finally {
      for (int i = locks.length - 1; i >= 0; i--) {
        locks[i].unlockAndWake();
      }
    }
    if (ready >= 0) {
      return clauses.get(ready).run(readyValue);
    }
    if (w == null) {
      return fallback.onDone.get();
    }
    ChannelNode won = null;
    try {
      w.yieldBeforePark();
      won = w.awaitWinner(timed, deadline);
    } finally {
      withdraw(clauses, nodes, won);
    }
    if (won == null) {
      return fallback.onDone.get();
    }
    return clauses.get(won.clause()).run(won.value);
  }

  /** The distinct channels of the clauses, in id order (fewer collisions between selects). */
  private static ChannelCore[] lockOrder(List<? extends Clause<?>> clauses, int channelClauses) {
    ChannelCore[] order = new ChannelCore[channelClauses];
    int k = 0;
    for (Clause<?> c : clauses) {
      if (c.channel == null) {
        continue;
      }
      ChannelCore ch = c.channel.core;
      int j = k - 1;
      while (j >= 0 && order[j].id > ch.id) {
        j--;
      }
      if (j >= 0 && order[j] == ch) {
        continue; // already there
      }
      System.arraycopy(order, j + 1, order, j + 2, k - j - 1);
      order[j + 1] = ch;
      k++;
    }
    return k == order.length ? order : java.util.Arrays.copyOf(order, k);
  }

  /** Takes the nodes that did not win out of their channels' queues. */
  private static void withdraw(List<? extends Clause<?>> clauses, ChannelNode[] nodes, ChannelNode won) {
    for (int i = 0; i < nodes.length; i++) {
      ChannelNode node = nodes[i];
      if (node == null || node == won) {
        continue;
      }
      Clause<?> c = clauses.get(i);
      Channel<?> ch = c.channel;
      ch.core.lockFrozen();
      try {
        ch.core.remove(c.kind == Clause.SEND ? SENDERS : RECEIVERS, node);
      } finally {
        ch.core.unlockAndWake();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void requireItem(Object item) {
    if (item == null) {
      throw new NullPointerException("item must not be null (channels carry no nulls)");
    }
  }

  @Override
  public String toString() {
    String cap = capacity == Integer.MAX_VALUE ? "unbounded" : Integer.toString(capacity);
    return "Channel#" + core.id + "[capacity=" + cap + (closedForSend ? ", closed]" : "]");
  }
}
