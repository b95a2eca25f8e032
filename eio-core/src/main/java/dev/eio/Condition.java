package dev.eio;

import dev.eio.internal.Interrupts;
import dev.eio.internal.WaitQueue;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A condition variable: fibers wait on it until another fiber calls {@link #broadcast}, which
 * wakes every fiber waiting at that moment.
 *
 * <p><b>Guarantees.</b> No lost wake-up: a fiber is registered as a waiter before it releases the
 * mutex ({@link #await}) or before it evaluates its check ({@link #loopNoMutex}), so a broadcast
 * made after that point always wakes it. {@link #await} re-acquires the mutex before it returns,
 * even when cancelled (the relock is protected from cancellation), then throws {@link Cancelled}.
 * A broadcast with no waiter does nothing; spurious wake-ups do not happen, but callers should
 * still re-check their predicate since another fiber may have changed the state first.
 *
 * <pre>{@code
 * Mutex m = new Mutex();
 * Condition changed = new Condition();
 * // consumer
 * m.lock();
 * try { while (queue.isEmpty()) changed.await(m); item = queue.poll(); } finally { m.unlock(); }
 * // producer
 * m.useRw(false, () -> { queue.add(x); changed.broadcast(); });
 *
 * // without a mutex, with a state read atomically:
 * int v = changed.loopNoMutex(() -> counter.get() >= 10 ? Optional.of(counter.get()) : Optional.empty());
 * }</pre>
 */
public final class Condition {
  private static final Object WOKEN = new Object();

  private final WaitQueue waiters = new WaitQueue(this);

  /** Creates a condition with no waiters. */
  public Condition() {}

  /**
   * Releases {@code mutex}, waits for a {@link #broadcast}, and re-acquires {@code mutex}. The
   * caller must hold {@code mutex}.
   *
   * @throws Cancelled when the fiber is cancelled while waiting; {@code mutex} is locked again
   *     when it is thrown
   * @throws IllegalStateException when {@code mutex} is not locked
   * @throws Mutex.Poisoned when {@code mutex} was poisoned while waiting
   */
  public void await(Mutex mutex) {
    if (mutex == null) {
      throw new NullPointerException("mutex");
    }
    Interrupts.check();
    WaitQueue.Node n;
    synchronized (this) {
      n = waiters.enqueue();
    }
    try {
      mutex.unlock();
    } catch (RuntimeException e) {
      synchronized (this) {
        waiters.remove(n);
      }
      throw e;
    }
    Cancelled cancelled = null;
    try {
      waiters.await(n);
    } catch (Cancelled c) {
      cancelled = c;
    }
    // The caller's finally blocks expect to hold the mutex, cancelled or not.
    Cancel.protect(mutex::lock);
    if (cancelled != null) {
      Thread.currentThread().interrupt();
      throw cancelled;
    }
  }

  /**
   * Waits for the next {@link #broadcast}, with no mutex. Only broadcasts made after the call
   * began wake it, so the caller must tolerate a broadcast it missed just before; {@link
   * #loopNoMutex} has no such gap.
   *
   * @throws Cancelled when the fiber is cancelled while waiting
   */
  public void awaitNoMutex() {
    Interrupts.check();
    WaitQueue.Node n;
    synchronized (this) {
      n = waiters.enqueue();
    }
    waiters.await(n);
  }

  /**
   * Calls {@code check} until it returns a value, waiting for a {@link #broadcast} between calls.
   * The fiber registers as a waiter before each call, so a broadcast made while {@code check} runs
   * (after it read a stale state) is not lost: the next round starts at once. After any wake-up
   * {@code check} runs again, even when the fiber was cancelled right after the broadcast: a value
   * it then returns is returned (the cancellation stays pending for the next blocking operation),
   * and only an empty result lets the cancellation throw.
   *
   * @param check reads the state; returns the result to stop, or empty to wait for a broadcast
   * @return the first value {@code check} produced
   * @throws Cancelled when the fiber is cancelled while waiting
   */
  public <T> T loopNoMutex(Callable<Optional<T>> check) {
    if (check == null) {
      throw new NullPointerException("check");
    }
    // Checked once before the first call only: after a wake-up the check runs again even when a
    // cancellation arrived meanwhile (as in Eio), so the change the broadcast announced is seen;
    // a pending cancellation then stops the next wait.
    Interrupts.check();
    while (true) {
      WaitQueue.Node n;
      synchronized (this) {
        n = waiters.enqueue();
      }
      Optional<T> r;
      try {
        r = check.call();
        if (r == null) {
          throw new NullPointerException("check returned null instead of an Optional");
        }
      } catch (Throwable t) {
        synchronized (this) {
          waiters.remove(n);
        }
        if (t instanceof Error e) {
          throw e;
        }
        throw WrappedCheckedException.wrapChecked(t);
      }
      if (r.isPresent()) {
        synchronized (this) {
          waiters.remove(n);
        }
        return r.get();
      }
      waiters.await(n);
    }
  }

  /** Wakes every fiber waiting now. */
  public synchronized void broadcast() {
    waiters.wakeAll(WOKEN);
  }

  /** How many fibers wait now (for tests and diagnostics). */
  synchronized int waiting() {
    return waiters.size();
  }

  @Override
  public synchronized String toString() {
    return "Condition[" + (waiters.isEmpty() ? "no waiters" : "waiters") + "]";
  }
}
