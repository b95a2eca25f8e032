package dev.eio;

import dev.eio.internal.Interrupts;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A value that becomes available once: it is resolved with a value or failed with an exception,
 * exactly once, and any number of fibers may {@link #await} it.
 *
 * <p><b>Guarantees.</b> The first {@code resolve}/{@code fail} wins; {@link #resolve} and {@link
 * #fail} throw {@link IllegalStateException} on an already-resolved promise, {@link #tryResolve}
 * and {@link #tryFail} report it instead. Everything done before resolving happens-before
 * {@code await} returns. {@code await} is cancellable: a cancelled waiter throws {@link
 * Cancelled} and the promise is untouched; a waiter whose promise was resolved before it saw the
 * cancellation returns the value (completed, not cancelled: never both).
 *
 * <p>{@link #toCompletableFuture()} and {@link #from(CompletionStage)} bridge to the {@code
 * java.util.concurrent} world; cancelling the future fails the promise with {@link Cancelled}
 * and a promise failed with {@link Cancelled} cancels the future.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   Promise<String> greeting = Promise.create();
 *   sw.fork(() -> System.out.println(greeting.await()));
 *   greeting.resolve("hello");
 * });
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class Promise<T> {
  private static final Object NULL = new Object();

  private record Failed(RuntimeException exception, Error error) {
    void rethrow() {
      if (error != null) {
        throw error;
      }
      throw exception;
    }

    Throwable cause() {
      return error != null ? error : exception;
    }
  }

  /**
   * A waiting fiber or a callback; waiters form a doubly linked list guarded by the promise. One
   * field for either: three references make the node 24 bytes rather than 32, for every parked
   * fiber (B6).
   */
  private static final class Waiter {
    final Object target; // the waiting Thread, or the Consumer<Object> callback
    Waiter prev;
    Waiter next;

    Waiter(Object target) {
      this.target = target;
    }
  }

  private volatile Object outcome; // null while pending, then NULL, a value, or Failed
  private Waiter head; // guarded by this

  private Promise() {}

  /** Creates an unresolved promise. */
  public static <T> Promise<T> create() {
    return new Promise<>();
  }

  /** Creates a promise already resolved with {@code value}. */
  public static <T> Promise<T> resolved(T value) {
    Promise<T> p = new Promise<>();
    p.outcome = value == null ? NULL : value;
    return p;
  }

  /**
   * A promise that follows {@code stage}: resolved with its value, failed with its exception
   * (unwrapped from {@link CompletionException}), failed with {@link Cancelled} when the stage is
   * cancelled. Failing the promise first with {@link Cancelled} cancels the stage's future.
   */
  public static <T> Promise<T> from(CompletionStage<? extends T> stage) {
    if (stage == null) {
      throw new NullPointerException("stage");
    }
    Promise<T> p = new Promise<>();
    stage.whenComplete(
        (v, e) -> {
          if (e == null) {
            p.tryResolve(v);
          } else {
            Throwable cause =
                (e instanceof CompletionException || e instanceof ExecutionException)
                        && e.getCause() != null
                    ? e.getCause()
                    : e;
            p.tryFail(cause instanceof CancellationException ? new Cancelled(cause) : cause);
          }
        });
    p.listen(
        o -> {
          if (o instanceof Failed f && f.cause() instanceof Cancelled) {
            stage.toCompletableFuture().cancel(true);
          }
        });
    return p;
  }

  /**
   * Resolves the promise with {@code value} (may be {@code null}) and wakes its waiters.
   *
   * @throws IllegalStateException when the promise is already resolved or failed
   */
  public void resolve(T value) {
    if (!tryResolve(value)) {
      throw new IllegalStateException("promise already resolved: " + describe());
    }
  }

  /**
   * Resolves the promise with {@code value} unless it is already resolved.
   *
   * @return whether this call resolved it
   */
  public boolean tryResolve(T value) {
    return complete(value == null ? NULL : value);
  }

  /**
   * Fails the promise: waiters throw {@code failure} (wrapped once in {@link
   * WrappedCheckedException} when it is checked).
   *
   * @throws IllegalStateException when the promise is already resolved or failed
   */
  public void fail(Throwable failure) {
    if (!tryFail(failure)) {
      throw new IllegalStateException("promise already resolved: " + describe());
    }
  }

  /**
   * Fails the promise unless it is already resolved.
   *
   * @return whether this call failed it
   */
  public boolean tryFail(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    Failed f =
        failure instanceof Error e
            ? new Failed(null, e)
            : new Failed(WrappedCheckedException.wrapChecked(failure), null);
    return complete(f);
  }

  private boolean complete(Object o) {
    Waiter w;
    synchronized (this) {
      if (outcome != null) {
        return false;
      }
      outcome = o;
      w = head;
      head = null;
    }
    for (; w != null; w = w.next) {
      if (w.target instanceof Thread t) {
        LockSupport.unpark(t);
      } else {
        @SuppressWarnings("unchecked")
        Consumer<Object> callback = (Consumer<Object>) w.target;
        callback.accept(o);
      }
    }
    return true;
  }

  /** Whether the promise is resolved or failed. */
  public boolean isResolved() {
    return outcome != null;
  }

  /**
   * The value, without waiting: empty while unresolved (or when resolved with {@code null}).
   *
   * @throws RuntimeException the failure, when the promise failed
   */
  public Optional<T> peek() {
    Object o = outcome;
    if (o == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(value(o));
  }

  /**
   * Waits until the promise is resolved and returns its value; returns at once when it already
   * is.
   *
   * @throws Cancelled when the calling fiber is cancelled first
   * @throws RuntimeException the failure the promise was failed with
   */
  public T await() {
    Object o = outcome;
    if (o != null) {
      return value(o);
    }
    Interrupts.check();
    Waiter w = new Waiter(Thread.currentThread());
    synchronized (this) {
      if ((o = outcome) == null) {
        push(w);
      }
    }
    while (o == null) {
      LockSupport.park(this);
      o = outcome;
      if (o == null && Thread.interrupted()) {
        synchronized (this) {
          if ((o = outcome) == null) {
            unlink(w);
            throw Interrupts.cancelledByInterrupt(null);
          }
        }
        // Resolved before we saw the interrupt: return the value, keep the cancellation.
        Thread.currentThread().interrupt();
      }
    }
    return value(o);
  }

  @SuppressWarnings("unchecked")
  private T value(Object o) {
    if (o == NULL) {
      return null;
    }
    if (o instanceof Failed f) {
      f.rethrow();
    }
    return (T) o;
  }

  /** Runs {@code callback} with the outcome once resolved (at once when it already is). */
  private void listen(Consumer<Object> callback) {
    Object o;
    synchronized (this) {
      if ((o = outcome) == null) {
        push(new Waiter(callback));
        return;
      }
    }
    callback.accept(o);
  }

  private void push(Waiter w) {
    w.next = head;
    if (head != null) {
      head.prev = w;
    }
    head = w;
  }

  private void unlink(Waiter w) {
    if (w.prev != null) {
      w.prev.next = w.next;
    } else if (head == w) {
      head = w.next;
    }
    if (w.next != null) {
      w.next.prev = w.prev;
    }
  }

  /**
   * A {@link CompletableFuture} completed with this promise's outcome. Cancelling the future
   * fails the promise with {@link Cancelled} (when it is still unresolved); a promise failed with
   * {@link Cancelled} completes the future as cancelled.
   */
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> cf = new CompletableFuture<>();
    listen(
        o -> {
          if (o instanceof Failed f) {
            Throwable c = f.cause();
            if (c instanceof Cancelled) {
              cf.cancel(false);
            } else {
              cf.completeExceptionally(c instanceof WrappedCheckedException w ? w.getCause() : c);
            }
          } else {
            @SuppressWarnings("unchecked")
            T v = o == NULL ? null : (T) o;
            cf.complete(v);
          }
        });
    cf.whenComplete(
        (v, e) -> {
          if (e instanceof CancellationException ce) {
            tryFail(new Cancelled(ce));
          }
        });
    return cf;
  }

  private String describe() {
    Object o = outcome;
    if (o instanceof Failed f) {
      return "failed with " + f.cause();
    }
    return "resolved";
  }

  @Override
  public String toString() {
    Object o = outcome;
    return o == null ? "Promise[pending]" : "Promise[" + describe() + "]";
  }
}
