package dev.eio.internal;

import dev.eio.Cancelled;
import dev.eio.WrappedCheckedException;
import dev.eio.internal.engine.ForkJoinEngine;
import dev.eio.internal.events.DomainJobEvent;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * One call of {@code DomainManager.run}: the function runs on a pool thread as a fiber of a child
 * context of the caller's, while the caller parks until it has returned.
 *
 * <p>The caller's cancellation reaches the child context (eagerly, through the context tree, or
 * by an interrupt of a plain calling thread), which interrupts the pool thread; the caller keeps
 * waiting until the function has returned, so nothing runs on after its caller has gone.
 */
public final class DomainSection<T> extends RecursiveAction {
  private static final long serialVersionUID = 1L;

  private final transient Callable<T> fn;
  private final transient CancelContext ctx;
  private final transient FiberState caller;
  private final transient Thread waiter;
  private final transient Object context; // the caller's ThreadLocal context, if registered
  private transient T value;
  private transient Throwable failure;
  private volatile boolean done;

  private DomainSection(Callable<T> fn, CancelContext ctx, FiberState caller) {
    this.fn = fn;
    this.ctx = ctx;
    this.caller = caller;
    this.waiter = Thread.currentThread();
    this.context = ContextPropagation.capture();
  }

  /**
   * Runs {@code fn} on {@code pool} and returns its value, or throws its exception as if it had
   * been called directly (a checked one wrapped once). The caller must be a fiber.
   *
   * @throws RejectedExecutionException when the pool has been shut down
   */
  public static <T> T run(ForkJoinPool pool, Callable<T> fn) {
    Interrupts.check();
    FiberState caller = FiberState.current();
    if (caller == null) {
      throw new IllegalStateException("a domain section needs a calling fiber (a root fiber will do)");
    }
    CancelContext parent = caller.ctx();
    DomainSection<T> s = new DomainSection<>(fn, parent.child(false, "domain section"), caller);
    try {
      pool.execute(s);
      s.awaitDone(parent);
    } finally {
      s.ctx.detach();
    }
    return s.result();
  }

  /** Runs {@code fn} directly on the calling thread, reporting its exceptions the same way. */
  public static <T> T inline(Callable<T> fn) {
    try {
      return fn.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw WrappedCheckedException.wrapChecked(e);
    }
  }

  @Override
  protected void compute() {
    DomainJobEvent event = new DomainJobEvent();
    event.begin();
    AutoCloseable restored = ContextPropagation.restore(context);
    try {
      ForkJoinEngine.runAsFiber(
          ctx,
          caller,
          () -> {
            try {
              value = fn.call();
            } catch (Throwable t) {
              failure = t;
            }
          });
    } catch (Throwable t) {
      failure = t;
    } finally {
      ContextPropagation.close(restored);
      if (event.shouldCommit()) {
        event.caller = caller.name();
        event.outcome = failure == null ? "ok" : String.valueOf(failure);
        event.commit();
      }
      done = true;
      LockSupport.unpark(waiter);
    }
  }

  /** Parks until the function has returned; an interrupt cancels it but does not stop the wait. */
  private void awaitDone(CancelContext parent) {
    boolean interrupted = false;
    while (!done) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
        Throwable r = parent.reason();
        ctx.cancel(r != null ? r : new Cancelled("the thread waiting for a domain was interrupted"));
      }
    }
    if (interrupted) {
      // Completed or cancelled, the caller's own cancellation still stands.
      Thread.currentThread().interrupt();
    }
  }

  private T result() {
    Throwable t = failure;
    if (t == null) {
      return value;
    }
    if (t instanceof InterruptedException ie) {
      throw Interrupts.cancelledByInterrupt(ie);
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw WrappedCheckedException.wrapChecked(t);
  }
}
