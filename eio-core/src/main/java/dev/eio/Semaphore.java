package dev.eio;

import dev.eio.internal.Interrupts;
import dev.eio.internal.WaitQueue;

/**
 * A counting semaphore for fibers: {@link #acquire} takes a permit, waiting while there is none,
 * and {@link #release} gives one back.
 *
 * <p><b>Guarantees.</b> Waiters are served in FIFO order: a released permit goes straight to the
 * oldest waiter, and a newcomer never overtakes a queued fiber. Waiting is cancellable: a
 * cancelled {@code acquire} throws {@link Cancelled} and holds no permit; a permit handed to a
 * waiter just as it is cancelled is kept by it ({@code acquire} returns, the cancellation takes
 * effect at the next blocking operation), so a permit is never lost or counted twice. Permits
 * are not owned: any fiber may release.
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(4);        // at most 4 downloads at a time
 * Fiber.forEach(urls, 100, url -> {
 *   slots.acquire();
 *   try { download(url); } finally { slots.release(); }
 * });
 * }</pre>
 */
public final class Semaphore {
  private static final Object GRANTED = new Object();

  private final WaitQueue waiters = new WaitQueue(this);
  private int permits; // guarded by this

  /**
   * Creates a semaphore with {@code permits} initial permits.
   *
   * @throws IllegalArgumentException when {@code permits} is negative
   */
  public Semaphore(int permits) {
    if (permits < 0) {
      throw new IllegalArgumentException("permits must be >= 0, got " + permits);
    }
    this.permits = permits;
  }

  /**
   * Takes a permit, waiting (FIFO) until one is available; returns at once when one is free and
   * nobody is queued.
   *
   * @throws Cancelled when the calling fiber is cancelled while waiting
   */
  public void acquire() {
    WaitQueue.Node n;
    synchronized (this) {
      if (permits > 0 && waiters.isEmpty()) {
        permits--;
        return;
      }
      Interrupts.check();
      n = waiters.enqueue();
    }
    waiters.await(n);
  }

  /**
   * Takes a permit when one is free and nobody is queued, without waiting.
   *
   * @return whether a permit was taken
   */
  public synchronized boolean tryAcquire() {
    if (permits > 0 && waiters.isEmpty()) {
      permits--;
      return true;
    }
    return false;
  }

  /**
   * Gives a permit back: to the oldest waiter if any, otherwise to the pool of free permits.
   *
   * @throws IllegalStateException when the count would overflow {@link Integer#MAX_VALUE}
   */
  public void release() {
    synchronized (this) {
      if (waiters.wakeOne(GRANTED)) {
        return;
      }
      if (permits == Integer.MAX_VALUE) {
        throw new IllegalStateException("semaphore permits would overflow Integer.MAX_VALUE");
      }
      permits++;
    }
  }

  /** The number of free permits now (0 while fibers wait). */
  public synchronized int available() {
    return permits;
  }

  /** How many fibers wait now (for tests and diagnostics). */
  synchronized int waiting() {
    return waiters.size();
  }

  @Override
  public synchronized String toString() {
    return "Semaphore[permits=" + permits + (waiters.isEmpty() ? "" : ", waiters") + "]";
  }
}
