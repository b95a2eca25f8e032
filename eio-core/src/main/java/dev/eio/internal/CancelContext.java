package dev.eio.internal;

import dev.eio.Cancelled;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import dev.eio.internal.events.CancellationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A node of the cancellation tree: switch contexts, {@code Cancel.sub} and {@code Cancel.protect}
 * regions.
 *
 * <p>Cancellation propagates eagerly down to every non-protected descendant, so a fiber only ever
 * reads its own current context's {@link #reason()} to know whether it is cancelled. Delivery to a
 * fiber blocked in JDK code is {@link Thread#interrupt()}.
 *
 * <p><b>Fiber registration is lock-free</b>, because the fibers of a switch join (on their forker)
 * and leave (on their carriers) the same context from several threads at once, and a virtual
 * thread that contends on a lock unmounts (a microsecond or more, doubling the cost of a fork).
 * Members form a push-only stack; leaving marks the member dead and dead members are pruned in
 * batches. Whether a member is still really here is decided by its fiber's current context, read
 * under the fiber's own lock by {@link #cancel} and written under it by {@link FiberState#enter}:
 * so a fiber that moved on (into a protected region, say) never receives an interrupt meant for
 * the context it left.
 */
public final class CancelContext {
  /**
   * A fiber's membership in one context's stack: the {@link FiberState} itself for the context it
   * starts in (no allocation on fork), a {@link Moved} record for contexts it enters later.
   */
  abstract static class Member {
    Member next; // written before publication, or by the pruner under the context's lock
    volatile boolean dead;

    abstract FiberState fiber();
  }

  /** The membership of a fiber that entered this context after it started. */
  static final class Moved extends Member {
    private final FiberState fiber;

    Moved(FiberState fiber) {
      this.fiber = fiber;
    }

    @Override
    FiberState fiber() {
      return fiber;
    }
  }

  private static final VarHandle HEAD;
  private static final VarHandle PRUNING;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(CancelContext.class, "head", Member.class);
      PRUNING = l.findVarHandle(CancelContext.class, "pruning", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Root contexts of the runs in progress, for {@link TreeDump}. */
  static final Set<CancelContext> ROOTS = ConcurrentHashMap.newKeySet();

  private final CancelContext parent;
  private final boolean protectedFromParent;
  /** What this context is, for dumps and events: a {@code String} or a {@code Supplier<String>}. */
  private final Object label;
  private volatile Throwable reason;
  private volatile Member head;
  private int pushes; // since the last prune; racy increments only delay a prune a little
  private volatile int pruneAt = 64;
  private volatile int pruning; // 1 while one thread prunes; pruners never wait for each other
  private List<CancelContext> children; // guarded by this

  private CancelContext(CancelContext parent, boolean protectedFromParent, Object label) {
    this.parent = parent;
    this.protectedFromParent = protectedFromParent;
    this.label = label;
  }

  /**
   * A fresh root context, cancelled by nobody but its owner, listed by dumps until {@link
   * #closeRoot}.
   */
  public static CancelContext root(String label) {
    CancelContext c = new CancelContext(null, true, label);
    ROOTS.add(c);
    return c;
  }

  /** Ends a root context's listing. */
  public void closeRoot() {
    ROOTS.remove(this);
  }

  /**
   * Creates a child. A non-protected child of a cancelled context starts cancelled; a protected
   * one ignores the parent's cancellation.
   *
   * @param label what the child is: a {@code String}, or a {@code Supplier<String>} read when
   *     dumped
   */
  public CancelContext child(boolean isProtected, Object label) {
    CancelContext c = new CancelContext(this, isProtected, label);
    synchronized (this) {
      if (!isProtected && reason != null) {
        c.reason = reason;
      }
      if (children == null) {
        children = new ArrayList<>(4);
      }
      children.add(c);
    }
    return c;
  }

  /** Unlinks this context from its parent once nothing runs in it any more. */
  public void detach() {
    if (parent != null) {
      synchronized (parent) {
        List<CancelContext> siblings = parent.children;
        if (siblings != null) {
          // Nested regions end first, so the most recent child is the likely one.
          for (int i = siblings.size() - 1; i >= 0; i--) {
            if (siblings.get(i) == this) {
              siblings.remove(i);
              break;
            }
          }
        }
      }
    }
  }

  public CancelContext parent() {
    return parent;
  }

  /** Why this context was cancelled, or {@code null} while it is not. */
  public Throwable reason() {
    return reason;
  }

  public boolean isCancelled() {
    return reason != null;
  }

  /** Throws {@link Cancelled} when this context is cancelled. */
  public void check() {
    Throwable r = reason;
    if (r != null) {
      throw cancelled(r);
    }
  }

  /** The {@link Cancelled} that reports a cancellation for {@code reason}. */
  public static Cancelled cancelled(Throwable reason) {
    return new Cancelled(reason);
  }

  /** Whether {@code ancestor} is this context or one of its ancestors. */
  public boolean isWithin(CancelContext ancestor) {
    for (CancelContext c = this; c != null; c = c.parent) {
      if (c == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cancels this context and every non-protected descendant, interrupting the fibers running in
   * them. Only the first cancellation counts.
   *
   * @return whether this call cancelled the context
   */
  public boolean cancel(Throwable why) {
    if (why == null) {
      throw new NullPointerException("reason");
    }
    if (reason != null) {
      return false; // the common case when many fibers report one cancellation: no lock
    }
    List<CancelContext> kids;
    int interrupted = 0;
    synchronized (this) {
      if (reason != null) {
        return false;
      }
      // Written before the walk: a fiber that joins after the walk passed sees it and
      // interrupts itself (see join).
      reason = why;
      for (Member m = head; m != null; m = m.next) {
        if (!m.dead && m.fiber().interruptIfIn(this)) {
          interrupted++;
        }
      }
      kids = children == null ? null : new ArrayList<>(children);
    }
    Stats.CANCELLATIONS.increment();
    CancellationEvent e = new CancellationEvent();
    if (e.shouldCommit()) {
      e.context = describe();
      e.reason = String.valueOf(why);
      e.fibersInterrupted = interrupted;
      e.commit();
    }
    if (kids != null) {
      for (CancelContext k : kids) {
        if (!k.protectedFromParent) {
          k.cancel(why);
        }
      }
    }
    return true;
  }

  /** What this context is, for dumps and events. */
  public String describe() {
    return label instanceof Supplier<?> s ? String.valueOf(s.get()) : String.valueOf(label);
  }

  /** The child contexts, at the moment of the call. */
  synchronized List<CancelContext> children() {
    return children == null ? List.of() : new ArrayList<>(children);
  }

  /** The fibers currently in this context, at the moment of the call. */
  List<FiberState> fibers() {
    List<FiberState> out = new ArrayList<>();
    for (Member m = head; m != null; m = m.next) {
      if (!m.dead && m.fiber().ctx() == this) {
        out.add(m.fiber());
      }
    }
    return out;
  }

  /**
   * Adds {@code m}'s fiber, whose current context is already this one: the calling fiber, or a
   * fiber being forked, joined by its forker before its thread starts (ADR 39; the thread is
   * bound). When this context is cancelled already, the fiber's thread is interrupted, so its
   * next blocking operation sees the cancellation; a thread interrupted before its start keeps
   * the interrupt.
   */
  void join(Member m) {
    Member h;
    do {
      h = head;
      m.next = h;
    } while (!HEAD.compareAndSet(this, h, m));
    if (reason != null) {
      m.fiber().thread.interrupt();
    }
    // Prune from the joining side: a leave is then one write to the member itself, with no
    // shared counter for every carrier to contend on.
    if (++pushes >= pruneAt && PRUNING.compareAndSet(this, 0, 1)) {
      try {
        prune();
      } finally {
        pruning = 0;
      }
    }
  }

  /** Marks {@code m} as gone; dead members are unlinked by a later {@link #join}'s prune. */
  void leave(Member m) {
    m.dead = true;
  }

  /**
   * Unlinks dead members behind the head (the head itself stays: only pushers move it). Runs
   * once the joins since the last prune reach the live population found then (at least 64), so
   * the cost is amortized O(1) per join and dead members never outnumber live ones by much. Only one pruner runs at a time; a concurrent {@link #cancel} walk
   * stays correct because an unlinked member keeps its own next pointer.
   */
  private void prune() {
    int live = 0;
    Member prev = head;
    if (prev == null) {
      return;
    }
    live += prev.dead ? 0 : 1;
    for (Member m = prev.next; m != null; m = m.next) {
      if (m.dead) {
        prev.next = m.next;
      } else {
        prev = m;
        live++;
      }
    }
    pushes = 0;
    pruneAt = Math.max(64, live);
  }
}
