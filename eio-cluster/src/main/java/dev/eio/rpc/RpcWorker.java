package dev.eio.rpc;

import dev.eio.internal.rpc.Client;
import dev.eio.workers.WorkerPool;
import java.time.Duration;
import java.util.List;

/**
 * A worker JVM serving one contract ({@link Rpc#spawn}), owned by a switch: its {@link #client}s
 * call the implementation that lives in the worker, one call at a time, in the order the calls
 * arrive.
 *
 * <pre>{@code
 * RpcWorker<Scorer> w = Rpc.spawn(sw, Workers.of(env), Scorer.class, NativeScorer::new);
 * double s = w.client(Duration.ofSeconds(1)).score(input);
 * }</pre>
 *
 * @param <T> the contract
 */
public final class RpcWorker<T> {
  private final Class<T> contract;
  private final WorkerPool pool;

  RpcWorker(Class<T> contract, WorkerPool pool) {
    this.contract = contract;
    this.pool = pool;
  }

  /** A client without a time limit. */
  public T client() {
    return client(null);
  }

  /**
   * A client whose every call is cancelled after {@code timeout} on the program's clock (null: no
   * limit), throwing {@link dev.eio.Timeout} once the worker has stopped it.
   */
  public T client(Duration timeout) {
    return Client.proxy(contract, pool::submit, "worker JVM " + pids(), timeout);
  }

  /** The process id of the worker serving now (a replaced worker has a new one). */
  public List<Long> pids() {
    return pool.pids();
  }

  @Override
  public String toString() {
    return "RpcWorker[" + contract.getName() + ", " + pool + "]";
  }
}
