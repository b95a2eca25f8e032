package dev.eio;

import java.util.concurrent.Callable;

/**
 * A value computed on first use and then remembered: concurrent callers of {@link #get} share one
 * computation, which runs on the fiber of the first caller while the others wait for it.
 *
 * <p><b>Guarantees.</b> The computation runs at most once at a time and, once it has succeeded,
 * never again. A failure is remembered and rethrown (as the same object) to every later caller.
 * What happens when the computing fiber is cancelled is the {@link CancelPolicy}: {@code RESTART}
 * (the default) forgets the attempt and the next caller, or a waiting one, starts over;
 * {@code RECORD} remembers the {@link Cancelled} like any failure; {@code PROTECT} runs the
 * computation under {@link Cancel#protect}, so it cannot be cancelled. A waiting caller can be
 * cancelled on its own without affecting the computation.
 *
 * <pre>{@code
 * Lazy<Config> config = Lazy.of(() -> Config.load(path));
 * Fiber.all(() -> serve(config.get()), () -> report(config.get()));  // loaded once
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class Lazy<T> {
  /** What a cancellation of the computing fiber does to a {@link Lazy}. */
  public enum CancelPolicy {
    /** Forget the cancelled attempt; the next caller (or a waiting one) starts over. */
    RESTART,
    /** Remember the {@link Cancelled}: every later {@link #get} throws it. */
    RECORD,
    /** Run the computation protected from cancellation, so it always completes. */
    PROTECT
  }

  /** Tells waiters that the attempt they waited for was cancelled and must start over. */
  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Restart() {
      super("lazy computation cancelled; restart", null, false, false);
    }
  }

  private final CancelPolicy policy;
  private final Callable<? extends T> fn;
  private Promise<T> current; // guarded by this: null until started, or after a restart

  private Lazy(CancelPolicy policy, Callable<? extends T> fn) {
    this.policy = policy;
    this.fn = fn;
  }

  /** A lazy value computed by {@code fn}, restarted when its computing fiber is cancelled. */
  public static <T> Lazy<T> of(Callable<? extends T> fn) {
    return of(CancelPolicy.RESTART, fn);
  }

  /** A lazy value computed by {@code fn}, with the given cancellation policy. */
  public static <T> Lazy<T> of(CancelPolicy policy, Callable<? extends T> fn) {
    if (policy == null) {
      throw new NullPointerException("policy");
    }
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    return new Lazy<>(policy, fn);
  }

  /**
   * The value: computes it on this fiber when nobody has yet, waits for the running computation
   * otherwise, returns at once when it is known.
   *
   * @throws Cancelled when the caller is cancelled while computing or waiting (or under {@code
   *     RECORD}, when the computation was cancelled)
   * @throws RuntimeException the computation's failure (checked ones wrapped once)
   */
  public T get() {
    while (true) {
      Promise<T> p;
      boolean mine = false;
      synchronized (this) {
        p = current;
        if (p == null) {
          p = current = Promise.create();
          mine = true;
        }
      }
      if (mine) {
        return compute(p);
      }
      try {
        return p.await();
      } catch (Restart r) {
        // The computing fiber was cancelled: take part in the next attempt.
      }
    }
  }

  private T compute(Promise<T> p) {
    T v;
    try {
      v = policy == CancelPolicy.PROTECT ? Cancel.protect(fn) : fn.call();
    } catch (Throwable t) {
      boolean cancelled = t instanceof Cancelled || t instanceof InterruptedException;
      if (cancelled && policy == CancelPolicy.RESTART) {
        synchronized (this) {
          current = null;
        }
        p.fail(new Restart());
        if (t instanceof Error e) {
          throw e;
        }
        throw WrappedCheckedException.wrapChecked(t);
      }
      p.fail(t);
      return p.await();
    }
    p.resolve(v);
    return v;
  }

  /** Whether the value (or a remembered failure) is known. */
  public synchronized boolean isDone() {
    return current != null && current.isResolved();
  }

  @Override
  public String toString() {
    Promise<T> p;
    synchronized (this) {
      p = current;
    }
    return "Lazy[" + policy + ", " + (p == null ? "not started" : p.isResolved() ? "done" : "running") + "]";
  }
}
