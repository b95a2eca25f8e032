package dev.eio.internal.actor;

import dev.eio.Cancel;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Behavior;
import dev.eio.actor.Down;
import dev.eio.actor.Exit;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import dev.eio.actor.MailboxFullException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A local actor: its reference and its context in one object (an idle actor stays small), run
 * on a daemon fiber of its switch.
 *
 * <p>Locking: {@code this} guards the exit listeners, the links, the run's cancellation context
 * and the pending kill; the mailbox is lock-free. Only the actor's fiber receives.
 */
public final class ActorCell<M> implements ActorRef<M>, ActorContext<M>, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final Switch sw;
  private final MailboxQueue mailbox;
  private final Behavior<M> behavior;
  private final SupervisorCore supervisor;
  private Thread owner;
  // Messages a selective receive passed over, oldest first (actor's fiber only).
  private ArrayDeque<Object> saved;
  private volatile boolean dead;
  private volatile Function<? super Exit, ? extends M> trap;
  // Guarded by this.
  private ExitReason exitReason;
  private List<Listener> listeners;
  private List<ActorCell<?>> links;
  private int exitWaiters;
  private Cancel.Context run;
  private Throwable kill;
  boolean running; // guarded by the supervisor's lock

  /** A callback on this actor's exit; {@code exited} says whether it took note of a failure. */
  abstract static class Listener implements ExitHandle {
    private ActorCell<?> cell;

    abstract boolean exited(ActorCell<?> who, ExitReason reason);

    @Override
    public boolean remove() {
      ActorCell<?> c = cell;
      if (c == null) {
        return false;
      }
      synchronized (c) {
        return c.listeners != null && c.listeners.remove(this);
      }
    }
  }

  ActorCell(String name, Switch sw, Mailbox kind, Behavior<M> behavior, SupervisorCore sup) {
    this.name = name;
    this.sw = sw;
    this.mailbox = new MailboxQueue(kind);
    this.behavior = behavior;
    this.supervisor = sup;
  }

  /**
   * Spawns an actor into {@code sw}: a daemon fiber, so the switch cancels it once its other
   * fibers have ended. An actor whose fiber never starts (the switch was already cancelled)
   * stops as cancelled when the switch is released, so its watchers still hear of it.
   */
  public static <M> ActorCell<M> spawn(
      Switch sw, String name, Mailbox kind, Behavior<M> behavior, SupervisorCore sup,
      ActorCell<?> linkTo) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (name == null) {
      throw new NullPointerException("name");
    }
    if (kind == null) {
      throw new NullPointerException("mailbox");
    }
    if (behavior == null) {
      throw new NullPointerException("behavior");
    }
    ActorCell<M> cell = new ActorCell<>(name, sw, kind, behavior, sup);
    if (linkTo != null) {
      linkTo.link(cell);
    }
    if (sup != null) {
      sup.add(cell);
    }
    Switch.ReleaseHandle never = sw.onRelease(() -> cell.exit(new ExitReason.Cancelled(null)));
    try {
      sw.forkDaemon(
          () -> {
            never.remove();
            cell.run();
          });
    } catch (RuntimeException e) {
      never.remove();
      cell.exit(new ExitReason.Cancelled(e));
      throw e;
    }
    return cell;
  }

  // ---------------------------------------------------------------- running

  private record Outcome(ExitReason reason, boolean restart) {}

  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Restart() {
      super("restarted by its supervisor (one for all)", null, false, false);
    }
  }

  /** The reason an actor is cancelled with when its supervisor gives up. */
  static final class GaveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GaveUp(Throwable cause) {
      super("its supervisor gave up", cause, false, false);
    }
  }

  private void run() {
    owner = Thread.currentThread();
    ExitReason reason;
    while (true) {
      Outcome o = runOnce();
      reason = o.reason() != null ? o.reason() : new ExitReason.Cancelled(null);
      if (supervisor == null) {
        break;
      }
      if (o.restart() || reason instanceof ExitReason.Failed) {
        boolean again;
        try {
          again = supervisor.restartAfter(this, o.restart() ? null : (ExitReason.Failed) reason);
        } catch (dev.eio.Cancelled c) {
          // Cancelled while waiting for a one-for-all round: the switch is stopping.
          reason = new ExitReason.Cancelled(c.reason());
          supervisor.ended(this);
          break;
        }
        if (again) {
          continue;
        }
      } else {
        supervisor.ended(this);
      }
      break;
    }
    Throwable escalate = exit(reason);
    if (escalate != null) {
      // Nobody heard of this failure: it fails the switch, like any fiber's.
      sneakyThrow(escalate);
    }
  }

  private Outcome runOnce() {
    Throwable failure = null;
    try {
      Cancel.sub(
          c -> {
            Throwable k;
            synchronized (this) {
              run = c;
              k = kill;
            }
            if (k != null) {
              c.cancel(k);
            }
            behavior.run(this);
          });
    } catch (Throwable t) {
      failure = t;
    }
    Throwable k;
    synchronized (this) {
      run = null;
      k = kill;
      kill = null;
    }
    if (Fiber.isCancelled()) {
      return new Outcome(
          new ExitReason.Cancelled(failure instanceof dev.eio.Cancelled c ? c.reason() : null),
          false);
    }
    if (k instanceof Restart) {
      return new Outcome(null, true);
    }
    if (k instanceof GaveUp g) {
      return new Outcome(new ExitReason.Cancelled(g.getCause()), false);
    }
    if (k != null) {
      return new Outcome(new ExitReason.Failed(k), false);
    }
    if (failure == null) {
      return new Outcome(ExitReason.NORMAL, false);
    }
    if (failure instanceof dev.eio.Cancelled c) {
      return new Outcome(new ExitReason.Cancelled(c.reason()), false);
    }
    return new Outcome(new ExitReason.Failed(failure), false);
  }

  /** Cancels the current run with {@code reason} (or the next, when between runs). */
  boolean kill(Throwable reason) {
    Cancel.Context c;
    synchronized (this) {
      if (dead) {
        return false;
      }
      if (kill == null || reason instanceof GaveUp) {
        kill = reason;
      }
      c = run;
    }
    if (c != null) {
      c.cancel(reason);
    }
    return true;
  }

  void restartSignal() {
    kill(new Restart());
  }

  /**
   * Stops the actor for good: tells every listener and linked actor, counts what is left in the
   * mailbox as dead letters. Returns the failure to escalate, when nobody took note of it.
   */
  Throwable exit(ExitReason reason) {
    List<Listener> ls;
    List<ActorCell<?>> lk;
    boolean observed;
    synchronized (this) {
      if (dead) {
        return null;
      }
      exitReason = reason;
      dead = true;
      ls = listeners;
      listeners = null;
      lk = links;
      links = null;
      observed = exitWaiters > 0 || supervisor != null;
      int n = mailbox.drain() + (saved == null ? 0 : saved.size());
      saved = null;
      DeadLetters.add(n);
      notifyAll();
    }
    mailbox.releaseSenders();
    if (ls != null) {
      for (Listener l : ls) {
        l.cell = null;
        observed |= l.exited(this, reason);
      }
    }
    if (lk != null) {
      for (ActorCell<?> other : lk) {
        observed |= other.linkedExit(this, reason);
      }
    }
    return reason instanceof ExitReason.Failed f && !observed ? f.failure() : null;
  }

  private boolean linkedExit(ActorCell<?> from, ExitReason reason) {
    Function<? super Exit, ? extends M> t;
    synchronized (this) {
      if (dead) {
        return false;
      }
      if (links != null) {
        links.remove(from);
      }
      t = trap;
    }
    if (t != null) {
      notice(t.apply(new Exit(from, reason)));
    } else if (!reason.isNormal()) {
      kill(new ActorExitException(
          "actor '" + name + "' stopped: linked actor '" + from.name + "' stopped (" + reason + ")",
          from, reason));
    }
    return true;
  }

  /** Delivers a runtime notice (monitor, trapped exit) without waiting for room. */
  private boolean notice(Object m) {
    if (m == null) {
      throw new NullPointerException("a monitor's or trap's message function returned null");
    }
    if (dead) {
      DeadLetters.add(1);
      return false;
    }
    if (!mailbox.offerNotice(m)) {
      DeadLetters.add(1);
      return false;
    }
    afterOffer();
    return true;
  }

  private void afterOffer() {
    if (dead) {
      // The actor stopped while we enqueued: its drain may have missed our message.
      synchronized (this) {
        DeadLetters.add(mailbox.drain());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  // ---------------------------------------------------------------- ActorRef

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(M message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    if (dead) {
      DeadLetters.add(1);
      return;
    }
    if (mailbox.offer(message)) {
      afterOffer();
      return;
    }
    if (!mailbox.waitsWhenFull()) {
      throw new MailboxFullException(name, mailbox.capacity());
    }
    if (mailbox.offerWaiting(message, () -> dead)) {
      afterOffer();
    } else {
      DeadLetters.add(1);
    }
  }

  @Override
  public boolean trySend(M message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    if (dead) {
      DeadLetters.add(1);
      return false;
    }
    if (mailbox.offer(message)) {
      afterOffer();
      return true;
    }
    return false;
  }

  @Override
  public boolean isAlive() {
    return !dead;
  }

  @Override
  public ExitReason awaitExit() {
    synchronized (this) {
      exitWaiters++;
      try {
        while (!dead) {
          wait();
        }
        return exitReason;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Fiber.check();
        throw new dev.eio.Cancelled(e);
      } finally {
        exitWaiters--;
      }
    }
  }

  @Override
  public ExitHandle onExit(Consumer<? super ExitReason> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    return addListener(
        new Listener() {
          @Override
          boolean exited(ActorCell<?> who, ExitReason reason) {
            callback.accept(reason);
            return true;
          }
        });
  }

  /**
   * Like {@link ActorRef#onExit}, but not counted as observing a failure: for bookkeeping (a
   * registry's entry) that must not keep a failure from failing the switch.
   */
  public static ExitHandle onExitQuietly(ActorRef<?> ref, Consumer<? super ExitReason> callback) {
    if (!(ref instanceof ActorCell<?> cell)) {
      return ref.onExit(callback);
    }
    return cell.addListener(
        new Listener() {
          @Override
          boolean exited(ActorCell<?> who, ExitReason reason) {
            callback.accept(reason);
            return false;
          }
        });
  }

  private Listener addListener(Listener l) {
    ExitReason r;
    synchronized (this) {
      if (!dead) {
        if (listeners == null) {
          listeners = new ArrayList<>(2);
        }
        listeners.add(l);
        l.cell = this;
        return l;
      }
      r = exitReason;
    }
    l.exited(this, r);
    return l;
  }

  /** Crosses the wire as the form a cluster node routes back here ({@link Export}). */
  @java.io.Serial
  private Object writeReplace() throws java.io.ObjectStreamException {
    return Export.replace(this);
  }

  @java.io.Serial
  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("an actor cell is never read from bytes");
  }

  @Override
  public String toString() {
    return "ActorRef[" + name + (dead ? ", stopped: " + exitReason : "") + "]";
  }

  // ---------------------------------------------------------------- ActorContext

  private void requireOwner() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "actor '" + name + "': only the actor's own fiber may use its context");
    }
  }

  @Override
  public ActorRef<M> self() {
    return this;
  }

  @Override
  public Switch scope() {
    return sw;
  }

  @Override
  @SuppressWarnings("unchecked")
  public M receive() {
    requireOwner();
    if (saved != null && !saved.isEmpty()) {
      return (M) saved.poll();
    }
    return (M) take(Long.MAX_VALUE);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<M> receive(Duration timeout) {
    requireOwner();
    long deadline = deadline(timeout);
    if (saved != null && !saved.isEmpty()) {
      return Optional.of((M) saved.poll());
    }
    return Optional.ofNullable((M) take(deadline));
  }

  @Override
  public M receive(Predicate<? super M> match) {
    return select(match, Long.MAX_VALUE);
  }

  @Override
  public Optional<M> receive(Predicate<? super M> match, Duration timeout) {
    return Optional.ofNullable(select(match, deadline(timeout)));
  }

  @SuppressWarnings("unchecked")
  private M select(Predicate<? super M> match, long deadline) {
    requireOwner();
    if (match == null) {
      throw new NullPointerException("match");
    }
    if (saved != null) {
      for (Iterator<Object> it = saved.iterator(); it.hasNext(); ) {
        M m = (M) it.next();
        if (match.test(m)) {
          it.remove();
          return m;
        }
      }
    }
    while (true) {
      Object m = take(deadline);
      if (m == null) {
        return null;
      }
      // Kept before testing, so a throwing predicate loses nothing.
      if (saved == null) {
        saved = new ArrayDeque<>();
      }
      saved.addLast(m);
      if (match.test((M) m)) {
        saved.pollLast();
        return (M) m;
      }
    }
  }

  private static long deadline(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
    }
    return System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
  }

  /** The next message from the mailbox, or null once {@code deadline} has passed. */
  private Object take(long deadline) {
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        Fiber.check();
      }
      Object m = mailbox.poll();
      if (m != null) {
        return m;
      }
      if (!mailbox.awaitMessage(deadline)) {
        return mailbox.poll();
      }
    }
  }

  @Override
  public ExitHandle monitor(ActorRef<?> target, Function<? super Down, ? extends M> toMessage) {
    requireOwner();
    if (target == null) {
      throw new NullPointerException("target");
    }
    if (toMessage == null) {
      throw new NullPointerException("toMessage");
    }
    if (target instanceof ActorCell<?> cell) {
      return cell.addListener(
          new Listener() {
            @Override
            boolean exited(ActorCell<?> who, ExitReason reason) {
              return notice(toMessage.apply(new Down(who, reason)));
            }
          });
    }
    return target.onExit(r -> notice(toMessage.apply(new Down(target, r))));
  }

  @Override
  public void link(ActorRef<?> other) {
    requireOwner();
    link(local(other));
  }

  private void link(ActorCell<?> other) {
    if (other == this) {
      return;
    }
    synchronized (this) {
      if (links == null) {
        links = new ArrayList<>(2);
      }
      if (!links.contains(other)) {
        links.add(other);
      }
    }
    ExitReason gone;
    synchronized (other) {
      if (!other.dead) {
        if (other.links == null) {
          other.links = new ArrayList<>(2);
        }
        if (!other.links.contains(this)) {
          other.links.add(this);
        }
        return;
      }
      gone = other.exitReason;
    }
    linkedExit(other, gone);
  }

  @Override
  public void unlink(ActorRef<?> other) {
    requireOwner();
    ActorCell<?> o = local(other);
    synchronized (this) {
      if (links != null) {
        links.remove(o);
      }
    }
    synchronized (o) {
      if (o.links != null) {
        o.links.remove(this);
      }
    }
  }

  private static ActorCell<?> local(ActorRef<?> ref) {
    if (ref == null) {
      throw new NullPointerException("other");
    }
    if (!(ref instanceof ActorCell<?> c)) {
      throw new IllegalArgumentException("cannot link to " + ref + ": not a local actor");
    }
    return c;
  }

  @Override
  public void trapExits(Function<? super Exit, ? extends M> toMessage) {
    requireOwner();
    if (toMessage == null) {
      throw new NullPointerException("toMessage");
    }
    trap = toMessage;
  }

  @Override
  public <N> ActorRef<N> spawn(String name, Mailbox mailbox, Behavior<N> behavior) {
    return spawn(sw, name, mailbox, behavior, null, null);
  }

  @Override
  public <N> ActorRef<N> spawnLinked(String name, Mailbox mailbox, Behavior<N> behavior) {
    requireOwner();
    return spawn(sw, name, mailbox, behavior, null, this);
  }
}
