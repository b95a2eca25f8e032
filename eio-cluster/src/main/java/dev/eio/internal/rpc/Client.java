package dev.eio.internal.rpc;

import dev.eio.Cancelled;
import dev.eio.Time;
import dev.eio.WrappedCheckedException;
import dev.eio.workers.CodecException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.Function;

/**
 * The client side of a contract: a {@link Proxy} whose every call becomes an {@link RpcCall} sent
 * by a transport (a cluster member, a worker JVM), within the call's time limit, with the outcome
 * checked against the method and the remote exception rethrown as the method declares it.
 */
public final class Client implements InvocationHandler {
  private final Contract contract;
  private final Function<RpcCall, Object> transport;
  private final String target;
  private final Duration timeout;

  private Client(Contract contract, Function<RpcCall, Object> transport, String target, Duration timeout) {
    this.contract = contract;
    this.transport = transport;
    this.target = target;
    this.timeout = timeout;
  }

  /**
   * A proxy of {@code type} whose calls go through {@code transport} to {@code target} (named in
   * errors), each limited to {@code timeout} on the program's clock (null: no limit).
   */
  public static <T> T proxy(Class<T> type, Function<RpcCall, Object> transport, String target, Duration timeout) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    Client c = new Client(Contract.of(type), transport, target, timeout);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, c));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "RpcClient[" + contract.type().getName() + " on " + target + "]";
      };
    }
    String key = Contract.key(method);
    RpcCall call = new RpcCall(contract.type().getName(), key, args == null ? new Object[0] : args.clone());
    Object value;
    try {
      value = timeout == null ? transport.apply(call) : Time.withTimeoutOrThrow(timeout, () -> transport.apply(call));
    } catch (WrappedCheckedException e) {
      Throwable cause = e.getCause();
      if (declared(method, cause)) {
        throw calledHere(cause, key);
      }
      throw calledHere(e, key);
    } catch (Cancelled e) {
      throw e; // the caller's own cancellation, shared: not ours to annotate
    } catch (RuntimeException | Error e) {
      throw calledHere(e, key);
    }
    if (!Contract.returnable(method, value)) {
      throw new CodecException(
          "reply refused: " + contract.type().getName() + "." + key + " on " + target + " returned "
              + (value == null ? "null" : "a " + value.getClass().getName()) + ", not a "
              + method.getReturnType().getTypeName(),
          value == null ? null : value.getClass().getName(),
          null);
    }
    return value;
  }

  private static boolean declared(Method m, Throwable t) {
    for (Class<?> e : m.getExceptionTypes()) {
      if (e.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** {@code t} (its stack the remote one), with this call's local stack as a suppressed note. */
  private Throwable calledHere(Throwable t, String key) {
    t.addSuppressed(new CalledHere(contract.type().getName() + "." + key + " called on " + target));
    return t;
  }

  /** Where an RPC was called, and on what: attached to the exception its call failed with. */
  static final class CalledHere extends Exception {
    private static final long serialVersionUID = 1L;

    CalledHere(String message) {
      super(message);
    }
  }
}
