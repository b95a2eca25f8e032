package dev.eio;

import dev.eio.internal.CancelContext;
import dev.eio.internal.FiberState;

/**
 * Lets a thread that eio did not start (a {@code main} thread, a test runner, a pool thread) use
 * eio: for the duration of one call it becomes a root fiber with a fresh cancellation context.
 */
final class RootFiber {
  private RootFiber() {}

  /** A body run as a root fiber. */
  interface Body<T> {
    T call(FiberState root) throws Exception;
  }

  static <T> T call(Body<T> body) {
    CancelContext rootCtx = CancelContext.root("root " + FiberState.nameOf(Thread.currentThread()));
    FiberState root = FiberState.create(Thread.currentThread(), rootCtx, null);
    try {
      return FiberState.callAs(
          root,
              () -> {
                root.attach();
                try {
                  return body.call(root);
                } finally {
                  root.detach();
                }
              });
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw WrappedCheckedException.wrapChecked(e);
    } finally {
      rootCtx.closeRoot();
    }
  }

  /** The calling thread's fiber, making it a root fiber for {@code body} when it is not one. */
  static <T> T inFiber(Body<T> body) {
    FiberState f = FiberState.current();
    if (f != null) {
      try {
        return body.call(f);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw WrappedCheckedException.wrapChecked(e);
      }
    }
    return call(body);
  }
}
