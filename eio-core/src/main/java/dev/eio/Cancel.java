package dev.eio;

import dev.eio.internal.CancelContext;
import dev.eio.internal.FiberState;
import dev.eio.internal.Interrupts;
import java.util.concurrent.Callable;

/**
 * Cancellation contexts: {@link #sub} opens a context that can be cancelled on its own, {@link
 * #protect} runs code that the surrounding cancellation cannot reach.
 *
 * <p>Contexts form a tree (switch, fibers, sub-contexts). Cancelling a context cancels its whole
 * subtree except protected regions, which see the cancellation when they end. A cancelled fiber's
 * blocking operations throw {@link Cancelled}; delivery to JDK blocking code is {@link
 * Thread#interrupt()} of the fiber's virtual thread (a fiber blocked reading a socket channel is
 * woken by the JDK closing that channel).
 *
 * <pre>{@code
 * Cancel.sub(ctx -> {
 *   Switch.run(sw -> {
 *     sw.fork(() -> { Thread.sleep(10_000); });    // a slow step
 *     sw.fork(() -> ctx.cancel(new RuntimeException("user pressed stop")));
 *   });
 * });                                            // throws Cancelled: user pressed stop
 * }</pre>
 */
public final class Cancel {
  private Cancel() {}

  /** A cancellation context handed to the body of {@link #sub}. */
  public interface Context {
    /**
     * Cancels this context and everything below it (not protected regions). Only the first
     * cancellation counts.
     *
     * @param reason why; carried by the {@link Cancelled} exceptions it causes
     * @return whether this call cancelled the context
     */
    boolean cancel(Throwable reason);

    /** Whether this context has been cancelled. */
    boolean isCancelled();
  }

  /** The body of {@link #sub}, returning nothing. */
  @FunctionalInterface
  public interface SubAction {
    /** Runs inside the new context {@code ctx}. */
    void run(Context ctx) throws Exception;
  }

  /** The body of {@link #subCall}, returning a value. */
  @FunctionalInterface
  public interface SubBody<T> {
    /** Runs inside the new context {@code ctx}. */
    T call(Context ctx) throws Exception;
  }

  private record Handle(CancelContext ctx) implements Context {
    @Override
    public boolean cancel(Throwable reason) {
      return ctx.cancel(reason == null ? new Cancelled("cancelled") : reason);
    }

    @Override
    public boolean isCancelled() {
      return ctx.isCancelled();
    }
  }

  /**
   * Runs {@code body} in a new child context of the caller's, which the body (or anyone it hands
   * the context to) may cancel without cancelling the caller.
   *
   * @throws Cancelled when the body was cancelled and let it escape
   */
  public static void sub(SubAction body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    subCall(
        ctx -> {
          body.run(ctx);
          return null;
        });
  }

  /** Like {@link #sub}, for a body that returns a value. */
  public static <T> T subCall(SubBody<T> body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    return RootFiber.inFiber(f -> within(f, f.ctx().child(false, "Cancel.sub"), () -> body.call(new Handle(f.ctx()))));
  }

  /**
   * Runs {@code body} where the caller's cancellation cannot reach it: its blocking operations
   * complete normally even while the caller is being cancelled. When it ends, a pending
   * cancellation of the caller takes effect at the caller's next blocking operation.
   *
   * <p>Use it for short clean-up that must block (flushing, sending a goodbye); a protected body
   * that blocks forever makes its switch wait forever.
   */
  public static void protect(Task body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    protect(
        () -> {
          body.run();
          return null;
        });
  }

  /** Like {@link #protect(Task)}, for a body that returns a value. */
  public static <T> T protect(Callable<T> body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    return RootFiber.inFiber(f -> within(f, f.ctx().child(true, "Cancel.protect"), body));
  }

  private static <T> T within(FiberState f, CancelContext inner, Callable<T> body)
      throws Exception {
    CancelContext outer = f.enter(inner);
    try {
      return body.call();
    } catch (Throwable t) {
      // An interrupt wrapped by user code (new RuntimeException(e)) is still this cancellation.
      Throwable c = Interrupts.asCancellation(t, inner);
      if (c == t) {
        throw t;
      }
      throw (Cancelled) c;
    } finally {
      f.enter(outer);
      inner.detach();
    }
  }
}
