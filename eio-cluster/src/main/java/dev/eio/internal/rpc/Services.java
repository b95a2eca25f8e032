package dev.eio.internal.rpc;

import dev.eio.rpc.CallRefusedException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contracts served in one place, by service name (the interface's binary name): a cluster
 * member keeps one in its Hazelcast user context, a worker JVM has {@link #WORKER}. A call finds
 * its method here by key and is checked before anything runs.
 */
public final class Services {
  /** The services of this JVM when it is a worker serving a contract for its parent. */
  static final Services WORKER = new Services("worker JVM " + ProcessHandle.current().pid());

  /** What serves one contract. */
  public record Served(Contract contract, Invoker invoker) {}

  private final String where;
  private final Map<String, Served> served = new ConcurrentHashMap<>();

  public Services(String where) {
    this.where = where;
  }

  /**
   * Serves {@code contract} with {@code invoker} here until {@link #remove} is called with the
   * returned handle.
   *
   * @throws IllegalStateException when the contract is served here already
   */
  public Served add(Contract contract, Invoker invoker) {
    Served s = new Served(contract, invoker);
    Served prev = served.putIfAbsent(contract.type().getName(), s);
    if (prev != null) {
      throw new IllegalStateException(contract.type().getName() + " is served on " + where + " already");
    }
    return s;
  }

  /** Stops serving {@code s}; calls already running go on. */
  public void remove(Served s) {
    served.remove(s.contract().type().getName(), s);
  }

  /** Checks {@code call} against the contract served under its name and runs it. */
  Object run(RpcCall call) throws Exception {
    Served s = served.get(call.service());
    if (s == null) {
      throw new CallRefusedException("call refused: no service " + call.service() + " on " + where);
    }
    Method m = s.contract().method(call.method());
    if (m == null) {
      throw new CallRefusedException(
          "call refused: " + call.service() + " has no method " + call.method() + " (served on " + where + ")");
    }
    Object[] args = call.args();
    Contract.checkArguments(m, args);
    return s.invoker().invoke(m, args);
  }

  @Override
  public String toString() {
    return "Services[" + where + ", " + served.keySet() + "]";
  }
}
