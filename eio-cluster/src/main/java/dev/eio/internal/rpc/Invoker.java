package dev.eio.internal.rpc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * How a served contract's method runs once a call has been checked: the one place that differs
 * between what serves a contract: an object called on the thread that received the call ({@link
 * #direct}), or an actor that owns the object and runs the calls in its fiber, one at a time
 * ({@link ActorInvoker}). The checks, the wire and the clients are the same for both.
 */
@FunctionalInterface
public interface Invoker {
  /**
   * Runs {@code method} of the contract with {@code args} (already checked against it) and returns
   * its value, or throws what it threw.
   */
  Object invoke(Method method, Object[] args) throws Exception;

  /** An invoker calling {@code impl}'s implementation of each method, rethrowing its exception. */
  static Invoker direct(Object impl) {
    return (method, args) -> {
      try {
        return method.invoke(impl, args);
      } catch (InvocationTargetException e) {
        Throwable t = e.getCause();
        if (t instanceof Exception ex) {
          throw ex;
        }
        throw (Error) t;
      }
    };
  }
}
