package dev.eio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A pool of up to {@code max} reusable resources (connections, buffers, worker handles): {@link
 * #use} lends one to a body and takes it back when the body ends.
 *
 * <p><b>Guarantees.</b>
 *
 * <ul>
 *   <li>Resources are created lazily, on the caller's fiber, only when no idle one exists and
 *       fewer than {@code max} are lent out; at most {@code max} are lent at a time. Callers that
 *       find all {@code max} in use wait in FIFO order; waiting is cancellable. A use completes
 *       or is cancelled, never both: a waiter cancelled while a slot is being handed to it passes
 *       the slot on and throws {@link Cancelled} without calling {@code create} or the body.
 *   <li>A failed {@code create} frees its slot and is rethrown to that caller only: the next user
 *       tries again.
 *   <li>Before an idle resource is lent again, {@code validate} is asked; a resource it rejects is
 *       disposed and replaced by a fresh one. A resource goes back to the pool whatever the body
 *       did (throwing or cancelled): {@code validate} decides whether it is still usable.
 *   <li>{@code dispose} runs exactly once per resource, protected from cancellation: for rejected
 *       and temporary resources at once, for idle ones when the pool closes, for lent ones when
 *       they come back to a closed pool. The pool closes when its switch finishes (a release
 *       hook) or on {@link #close}.
 *   <li>{@link #use(boolean, Use) use(true, fn)} never blocks: when every slot is busy it creates
 *       a temporary resource, outside the {@code max} limit, disposed right after the body.
 * </ul>
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   Pool<Connection> db = Pool.create(sw, 8, () -> Connection.open(url),
 *       Connection::isAlive, Connection::close);
 *   Fiber.forEach(queries, 100, q -> db.use(conn -> conn.execute(q)));
 * });                                       // every connection closed here
 * }</pre>
 *
 * @param <R> the type of the resources
 */
public final class Pool<R> {
  /** A body that uses a resource lent by the pool. */
  @FunctionalInterface
  public interface Use<R, T> {
    /** Uses {@code resource}; it goes back to the pool when this returns or throws. */
    T apply(R resource) throws Exception;
  }

  private final int max;
  private final Callable<? extends R> create;
  private final Predicate<? super R> validate;
  private final Consumer<? super R> dispose;
  private final Semaphore slots;
  // Guarded by this.
  private final ArrayDeque<R> idle = new ArrayDeque<>();
  private boolean closed;

  private Pool(
      int max,
      Callable<? extends R> create,
      Predicate<? super R> validate,
      Consumer<? super R> dispose) {
    this.max = max;
    this.create = create;
    this.validate = validate;
    this.dispose = dispose;
    this.slots = new Semaphore(max);
  }

  /**
   * A pool owned by {@code sw} of up to {@code max} resources made by {@code create}, never
   * validated, and not disposed of (use the other overload for resources that need closing).
   */
  public static <R> Pool<R> create(Switch sw, int max, Callable<? extends R> create) {
    return create(sw, max, create, null, null);
  }

  /**
   * A pool owned by {@code sw} (closed when it finishes) of up to {@code max} resources.
   *
   * @param create makes a resource; called on the fiber that needs it
   * @param validate tells whether an idle resource may be lent again ({@code null}: always)
   * @param dispose releases a resource the pool drops ({@code null}: nothing to do)
   * @throws IllegalArgumentException when {@code max} is less than 1
   */
  public static <R> Pool<R> create(
      Switch sw,
      int max,
      Callable<? extends R> create,
      Predicate<? super R> validate,
      Consumer<? super R> dispose) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (create == null) {
      throw new NullPointerException("create");
    }
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    Pool<R> p = new Pool<>(max, create, validate, dispose);
    sw.onRelease(p::close);
    return p;
  }

  /**
   * Runs {@code fn} with a resource of the pool, waiting for one when all are lent out.
   *
   * @return {@code fn}'s value
   * @throws Cancelled when the caller is cancelled while waiting
   * @throws IllegalStateException when the pool is closed
   * @throws RuntimeException what {@code create} or {@code fn} threw (checked ones wrapped once)
   */
  public <T> T use(Use<? super R, ? extends T> fn) {
    return use(false, fn);
  }

  /**
   * Like {@link #use(Use)}; with {@code neverBlock}, a caller that finds every slot busy gets a
   * temporary resource (created for it, disposed right after {@code fn}) instead of waiting.
   */
  public <T> T use(boolean neverBlock, Use<? super R, ? extends T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    checkOpen();
    if (neverBlock && !slots.tryAcquire()) {
      return useTemporary(fn);
    }
    if (!neverBlock) {
      slots.acquire();
      // A permit handed over just as the caller was cancelled: the use is cancelled, not
      // completed, so create and fn are not called and the permit goes on to the next waiter.
      if (Fiber.isCancelled()) {
        slots.release();
        Fiber.check();
      }
    }
    R r;
    try {
      r = take();
    } catch (Throwable t) {
      slots.release();
      throw unchecked(t);
    }
    try {
      return fn.apply(r);
    } catch (Throwable t) {
      throw unchecked(t);
    } finally {
      try {
        giveBack(r);
      } finally {
        slots.release();
      }
    }
  }

  private <T> T useTemporary(Use<? super R, ? extends T> fn) {
    R r;
    try {
      r = create.call();
    } catch (Throwable t) {
      throw unchecked(t);
    }
    Throwable failure = null;
    try {
      return fn.apply(r);
    } catch (Throwable t) {
      failure = t;
      throw unchecked(t);
    } finally {
      disposeOne(r, failure);
    }
  }

  /** An idle, valid resource, or a new one. Called holding a slot. */
  private R take() throws Exception {
    while (true) {
      R r;
      synchronized (this) {
        if (closed) {
          throw closedError();
        }
        r = idle.pollLast();
      }
      if (r == null) {
        return create.call();
      }
      if (validate == null || validate.test(r)) {
        return r;
      }
      disposeOne(r, null);
    }
  }

  private void giveBack(R r) {
    synchronized (this) {
      if (!closed) {
        idle.addLast(r);
        return;
      }
    }
    disposeOne(r, null);
  }

  private void disposeOne(R r, Throwable primary) {
    if (dispose == null) {
      return;
    }
    try {
      Cancel.protect(() -> dispose.accept(r));
    } catch (Throwable t) {
      if (primary == null) {
        throw t;
      }
      primary.addSuppressed(t);
    }
  }

  /**
   * Closes the pool: idle resources are disposed now, lent ones when they come back; later
   * {@link #use} calls throw {@link IllegalStateException}. Closing twice does nothing.
   *
   * @throws RuntimeException the first failure of {@code dispose}, others suppressed; every
   *     idle resource is disposed regardless
   */
  public void close() {
    List<R> drop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      drop = new ArrayList<>(idle);
      idle.clear();
    }
    RuntimeException first = null;
    for (R r : drop) {
      try {
        disposeOne(r, null);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private synchronized void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("pool is closed: its switch finished or close() was called");
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    return WrappedCheckedException.wrapChecked(t);
  }

  /** The number of idle resources kept by the pool now. */
  public synchronized int idleCount() {
    return idle.size();
  }

  @Override
  public synchronized String toString() {
    return "Pool[max=" + max + ", idle=" + idle.size() + (closed ? ", closed" : "") + "]";
  }
}
