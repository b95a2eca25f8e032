package dev.eio.parallel;

import java.util.function.IntConsumer;

/**
 * How {@link Parallel}'s list operations split their work: by default one contiguous segment per
 * domain, results in input order; with a chunk size, chunks handed out on demand.
 *
 * <p>With {@code chunkSize == 0} each of the {@code min(domains, n)} workers gets one contiguous
 * segment, cut into blocks of about 1/16 of it (1/4 on worker JVMs and cluster members, where
 * each block costs a round trip); a worker done with its own segment helps with the blocks left in
 * the others' (least overhead, locality kept, and no straggler when a domain is slowed down). With {@code chunkSize > 0} workers take
 * the next chunk of that many items when they are done with one (load balancing when items cost
 * different amounts); {@code ordered == false} then lets results come in the order chunks finish.
 * {@code init} runs on each worker before its first item, {@code finish} after its last (also
 * when the operation fails, once {@code init} has succeeded); both receive the worker's index.
 *
 * <pre>{@code
 * var opts = ParallelOptions.defaults().withChunkSize(64).unordered();
 * List<Result> rs = Parallel.map(domains, jobs, opts, Job::run);
 * }</pre>
 *
 * @param chunkSize 0 for one segment per domain, else the number of items handed out at a time
 * @param ordered whether results keep the input order (always true without chunking)
 * @param init run by each worker before its first item, or {@code null}
 * @param finish run by each worker after its last item, or {@code null}
 */
public record ParallelOptions(int chunkSize, boolean ordered, IntConsumer init, IntConsumer finish) {
  /**
   * Checks the options.
   *
   * @throws IllegalArgumentException when {@code chunkSize < 0}
   */
  public ParallelOptions {
    if (chunkSize < 0) {
      throw new IllegalArgumentException("chunkSize must be >= 0, got " + chunkSize);
    }
  }

  /** Contiguous segments, one per domain, input order, no init or finish. */
  public static ParallelOptions defaults() {
    return new ParallelOptions(0, true, null, null);
  }

  /**
   * These options with chunks of {@code chunkSize} items handed out on demand (0: segments).
   *
   * @throws IllegalArgumentException when {@code chunkSize < 0}
   */
  public ParallelOptions withChunkSize(int chunkSize) {
    return new ParallelOptions(chunkSize, ordered, init, finish);
  }

  /** These options, with results in the order chunks finish (only with a chunk size). */
  public ParallelOptions unordered() {
    return new ParallelOptions(chunkSize, false, init, finish);
  }

  /** These options with {@code init} run by each worker (given its index) before its items. */
  public ParallelOptions withInit(IntConsumer init) {
    return new ParallelOptions(chunkSize, ordered, init, finish);
  }

  /** These options with {@code finish} run by each worker (given its index) after its items. */
  public ParallelOptions withFinish(IntConsumer finish) {
    return new ParallelOptions(chunkSize, ordered, init, finish);
  }
}
