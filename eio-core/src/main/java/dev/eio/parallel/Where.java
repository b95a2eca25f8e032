package dev.eio.parallel;

import dev.eio.workers.WorkerPool;
import java.util.Objects;

/**
 * Where {@link Parallel}'s list operations run: on the domains of a {@link DomainManager} (threads
 * of this JVM, one per core) or on the worker JVMs of a {@link WorkerPool} (other processes). The
 * same call with the other {@code Where} moves the work between cores and processes unchanged.
 *
 * <p>Guarantees: the operations keep every guarantee listed on {@link Parallel} (order, fail fast
 * with {@link ItemFailedException}, cancellation waits for the work to stop) wherever they run.
 * On workers each range of items travels with the function to an idle worker and its results come
 * back through the pool's codec, so functions, items, captured values and results must be
 * serializable (the {@code Serializable*} function types of {@code dev.eio.workers} make a lambda
 * so); the classes of the function's nest are accepted in replies. On workers the parallelism is
 * the pool's size, {@link ParallelOptions#init()} and {@link ParallelOptions#finish()} are refused
 * (the pool's init runs once per worker), and a failed item's {@link ItemFailedException#item()}
 * is null (its index is kept).
 *
 * <pre>{@code
 * Eio.run(env -> Switch.run(sw -> {
 *   Where where = args.length > 0 && args[0].equals("processes")
 *       ? Where.workers(Workers.of(env).pool(sw, 4))
 *       : Where.domains(env.domains());
 *   List<Long> squares = Parallel.map(where, List.of(1L, 2L, 3L), x -> x * x);
 *   long sum = Parallel.fold(where, squares, 0L, (acc, x) -> acc + x, Long::sum);
 * }));
 * }</pre>
 */
public final class Where {
  private final DomainManager domains;
  private final WorkerPool workers;

  private Where(DomainManager domains, WorkerPool workers) {
    this.domains = domains;
    this.workers = workers;
  }

  /** On the domains of {@code domains}, in this JVM. */
  public static Where domains(DomainManager domains) {
    return new Where(Objects.requireNonNull(domains, "domains"), null);
  }

  /** On the workers of {@code pool}, in other JVMs. */
  public static Where workers(WorkerPool pool) {
    return new Where(null, Objects.requireNonNull(pool, "pool"));
  }

  /** How many ranges run at once: the number of domains, or of workers in the pool. */
  public int parallelism() {
    return domains != null ? domains.domains() : workers.size();
  }

  /** The domain manager, or null when on workers. */
  DomainManager domainManager() {
    return domains;
  }

  /** The worker pool, or null when on domains. */
  WorkerPool workerPool() {
    return workers;
  }

  @Override
  public String toString() {
    return "Where[" + (domains != null ? domains : workers) + "]";
  }
}
