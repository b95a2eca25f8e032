package dev.eio.parallel;

import dev.eio.workers.SerializableCallable;
import dev.eio.workers.WorkerPool;
import java.util.Objects;

/**
 * Where {@link Parallel}'s operations run: on the domains of a {@link DomainManager} (threads of
 * this JVM, one per core), on the worker JVMs of a {@link WorkerPool} (other processes), or on a
 * {@link Remote} such as the members of a cluster ({@code eio-cluster}'s {@code Cluster.where()}).
 * The same call with another {@code Where} moves the work between cores, processes and machines
 * unchanged.
 *
 * <p>Guarantees: the operations keep every guarantee listed on {@link Parallel} (order, fail fast
 * with {@link ItemFailedException}, cancellation waits for the work to stop) wherever they run.
 * On workers (and on a {@link Remote}) each range of items travels with the function to an idle
 * worker and its results come back through the pool's codec, so functions, items, captured values and results must be
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
  /**
   * Places outside this JVM that run serializable tasks: what {@link Where#remote} wraps. This is
   * how a module such as {@code eio-cluster} plugs its members under {@link Parallel} without
   * eio-core depending on it.
   *
   * <p>An implementation's {@link #run} blocks the calling fiber until the task's value or failure
   * is back, is safe to call from many fibers at once, and keeps the cancellation promise of
   * {@link Parallel}: when the caller is cancelled it stops the remote task and returns (throwing
   * {@link dev.eio.Cancelled}) only once the task has stopped or its host is gone.
   */
  public interface Remote {
    /** How many tasks run at once at most (at least 1). */
    int parallelism();

    /**
     * Runs {@code task} remotely and returns its value or throws its exception.
     *
     * @param replyNest a class whose nest's classes the value may hold besides the codec's
     *     allow-list (the user function's class: a lambda belongs to the nest that wrote it)
     * @throws dev.eio.Cancelled when the caller is cancelled, after the remote task has stopped
     */
    <T> T run(SerializableCallable<T> task, Class<?> replyNest);
  }

  private final DomainManager domains;
  private final WorkerPool workers;
  private final Remote remote;

  private Where(DomainManager domains, WorkerPool workers, Remote remote) {
    this.domains = domains;
    this.workers = workers;
    this.remote = remote;
  }

  /** On the domains of {@code domains}, in this JVM. */
  public static Where domains(DomainManager domains) {
    return new Where(Objects.requireNonNull(domains, "domains"), null, null);
  }

  /** On the workers of {@code pool}, in other JVMs. */
  public static Where workers(WorkerPool pool) {
    Objects.requireNonNull(pool, "pool");
    return new Where(
        null,
        pool,
        new Remote() {
          @Override
          public int parallelism() {
            return pool.size();
          }

          @Override
          public <T> T run(SerializableCallable<T> task, Class<?> replyNest) {
            return pool.submit(task); // an OwnedTask: the pool allows its owner's nest
          }
        });
  }

  /**
   * On {@code remote}: places outside this JVM, such as cluster members.
   *
   * @throws IllegalArgumentException when {@code remote.parallelism()} is below 1
   */
  public static Where remote(Remote remote) {
    Objects.requireNonNull(remote, "remote");
    if (remote.parallelism() < 1) {
      throw new IllegalArgumentException(
          "remote.parallelism() must be >= 1, got " + remote.parallelism());
    }
    return new Where(null, null, remote);
  }

  /** How many ranges run at once: the number of domains, of workers in the pool, or the remote's. */
  public int parallelism() {
    return domains != null ? domains.domains() : remote.parallelism();
  }

  /** The domain manager, or null when on workers. */
  DomainManager domainManager() {
    return domains;
  }

  /** Where tasks go outside this JVM (workers or a {@link Remote}), or null when on domains. */
  Remote remoteRunner() {
    return remote;
  }

  @Override
  public String toString() {
    return "Where[" + (domains != null ? domains : workers != null ? workers : remote) + "]";
  }
}
