package dev.eio;

import dev.eio.internal.Interrupts;
import dev.eio.internal.WaitQueue;
import java.util.concurrent.Callable;

/**
 * A mutual-exclusion lock for fibers with Eio's poisoning: when the body of {@link #useRw}
 * throws, the data it guards may be half-updated, so the mutex is poisoned and every later use
 * fails with {@link Poisoned}, whose cause is the original failure.
 *
 * <p><b>Guarantees.</b> Waiters acquire the lock in FIFO order; an unlock hands the lock straight
 * to the oldest waiter. Waiting for the lock is cancellable: a cancelled {@link #lock} throws
 * {@link Cancelled} and does not hold the lock; a lock handed over just as the waiter is cancelled
 * is kept ({@code lock} returns, the cancellation takes effect at the next blocking operation).
 * Poisoning wakes every waiter with {@link Poisoned}. An {@link #unlock} of an unlocked mutex
 * throws and poisons it, as in Eio. {@link #useRo} never poisons: it unlocks
 * whatever the body does. The lock is not reentrant and not owned by a thread: locking twice
 * from one fiber deadlocks, and any fiber may {@link #unlock}.
 *
 * <pre>{@code
 * Mutex m = new Mutex();
 * Map<String, Integer> stock = new HashMap<>();
 * m.useRw(true, () -> {             // protected: cancellation cannot interrupt the update
 *   stock.merge("apples", -1, Integer::sum);
 *   if (stock.get("apples") < 0) throw new IllegalStateException("oversold");  // poisons m
 * });
 * int n = m.useRo(() -> stock.get("apples"));
 * }</pre>
 */
public final class Mutex {
  /**
   * Thrown by every use of a poisoned mutex; its {@linkplain #getCause() cause} is the failure
   * that poisoned it.
   */
  public static final class Poisoned extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Poisoned(Throwable cause) {
      super("mutex poisoned by an earlier failure in useRw: " + cause, cause);
    }
  }

  private static final Object GRANTED = new Object();
  private static final Object POISONED = new Object();

  private final WaitQueue waiters = new WaitQueue(this);
  // Guarded by this.
  private boolean locked;
  private Throwable poison;

  /** Creates an unlocked mutex. */
  public Mutex() {}

  /**
   * Acquires the lock, waiting (FIFO) while another fiber holds it.
   *
   * @throws Poisoned when the mutex is poisoned (now or while waiting)
   * @throws Cancelled when the calling fiber is cancelled while waiting
   */
  public void lock() {
    WaitQueue.Node n;
    synchronized (this) {
      if (poison != null) {
        throw new Poisoned(poison);
      }
      if (!locked) {
        locked = true;
        return;
      }
      Interrupts.check();
      n = waiters.enqueue();
    }
    if (waiters.await(n) == POISONED) {
      synchronized (this) {
        throw new Poisoned(poison);
      }
    }
  }

  /**
   * Acquires the lock if it is free, without waiting.
   *
   * @return whether the lock was acquired
   * @throws Poisoned when the mutex is poisoned
   */
  public synchronized boolean tryLock() {
    if (poison != null) {
      throw new Poisoned(poison);
    }
    if (locked) {
      return false;
    }
    locked = true;
    return true;
  }

  /**
   * Releases the lock, handing it to the oldest waiter if any.
   *
   * @throws Poisoned when the mutex is poisoned
   * @throws IllegalStateException when the mutex is not locked; the mutex is then poisoned by
   *     that exception, as the misuse means the guarded data can no longer be trusted
   */
  public synchronized void unlock() {
    if (poison != null) {
      throw new Poisoned(poison);
    }
    if (!locked) {
      // As in Eio: an unmatched unlock means the lock discipline is broken, so the guarded data
      // can no longer be trusted.
      IllegalStateException misuse =
          new IllegalStateException("mutex is not locked: unlock without a matching lock");
      poison(misuse);
      throw misuse;
    }
    if (!waiters.wakeOne(GRANTED)) {
      locked = false;
    }
  }

  /** Whether the mutex has been poisoned. */
  public synchronized boolean isPoisoned() {
    return poison != null;
  }

  /**
   * Runs {@code fn} holding the lock, for code that changes the guarded state. When {@code fn}
   * throws (including {@link Cancelled}), the mutex is poisoned, stays locked, and the exception
   * is rethrown; when it returns, the lock is released.
   *
   * @param protect run {@code fn} under {@link Cancel#protect}, so cancellation cannot stop it
   *     half-way (waiting for the lock stays cancellable)
   * @return {@code fn}'s value
   * @throws Poisoned when the mutex is already poisoned
   */
  public <T> T useRw(boolean protect, Callable<T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    lock();
    T result;
    try {
      result = protect ? Cancel.protect(fn) : fn.call();
    } catch (Throwable t) {
      poison(t);
      if (t instanceof Error e) {
        throw e;
      }
      throw WrappedCheckedException.wrapChecked(t);
    }
    unlock();
    return result;
  }

  /** Like {@link #useRw(boolean, Callable)} for a body that returns nothing. */
  public void useRw(boolean protect, Task fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    useRw(
        protect,
        () -> {
          fn.run();
          return null;
        });
  }

  /**
   * Runs {@code fn} holding the lock, for code that only reads the guarded state: the lock is
   * released whether {@code fn} returns or throws, and the mutex is never poisoned by it.
   *
   * @return {@code fn}'s value
   * @throws Poisoned when the mutex is poisoned
   */
  public <T> T useRo(Callable<T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    lock();
    try {
      return fn.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw WrappedCheckedException.wrapChecked(e);
    } finally {
      unlock();
    }
  }

  /** Like {@link #useRo(Callable)} for a body that returns nothing. */
  public void useRo(Task fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    useRo(
        () -> {
          fn.run();
          return null;
        });
  }

  private synchronized void poison(Throwable cause) {
    if (poison == null) {
      poison = cause;
      waiters.wakeAll(POISONED);
    }
  }

  /** How many fibers wait now (for tests and diagnostics). */
  synchronized int waiting() {
    return waiters.size();
  }

  @Override
  public synchronized String toString() {
    return "Mutex[" + (poison != null ? "poisoned" : locked ? "locked" : "unlocked") + "]";
  }
}
