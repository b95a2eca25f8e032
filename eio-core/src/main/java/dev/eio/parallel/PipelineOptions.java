package dev.eio.parallel;

/**
 * How {@link Parallel#pipeline} streams items: how many workers, how many items per chunk, whether
 * the consumer sees them in source order, and how many items may be in flight at most.
 *
 * <p>An item is in flight from the moment it is pulled from the source until the consumer has
 * returned for it; the pipeline never pulls an item that would make more than {@code maxInFlight}
 * in flight, so memory stays bounded whatever the source's length. With {@code ordered} the
 * consumer sees items in source order; the reorder buffer holds in-flight items only, so it is
 * bounded by {@code maxInFlight} too.
 *
 * <pre>{@code
 * var opts = PipelineOptions.defaults().withChunkSize(16).withMaxInFlight(1024);
 * Parallel.pipeline(domains, lines, Parser::parse, db::insert, opts);
 * }</pre>
 *
 * @param workers the number of workers, or 0 for one per domain
 * @param chunkSize the number of items a worker takes at a time
 * @param ordered whether the consumer sees items in source order
 * @param maxInFlight the most items pulled but not yet consumed, or 0 for {@code 4 * workers *
 *     chunkSize}
 */
public record PipelineOptions(int workers, int chunkSize, boolean ordered, int maxInFlight) {
  /**
   * Checks the options.
   *
   * @throws IllegalArgumentException when {@code workers < 0}, {@code chunkSize < 1}, {@code
   *     maxInFlight < 0}, or {@code maxInFlight} is set below {@code chunkSize}
   */
  public PipelineOptions {
    if (workers < 0) {
      throw new IllegalArgumentException("workers must be >= 0, got " + workers);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("maxInFlight must be >= 0, got " + maxInFlight);
    }
    if (maxInFlight != 0 && maxInFlight < chunkSize) {
      throw new IllegalArgumentException(
          "maxInFlight must be >= chunkSize (" + chunkSize + "), got " + maxInFlight);
    }
  }

  /** One worker per domain, chunks of 1, source order, {@code 4 * workers} items in flight. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(0, 1, true, 0);
  }

  /** These options with {@code workers} workers (0: one per domain). */
  public PipelineOptions withWorkers(int workers) {
    return new PipelineOptions(workers, chunkSize, ordered, maxInFlight);
  }

  /** These options with chunks of {@code chunkSize} items. */
  public PipelineOptions withChunkSize(int chunkSize) {
    return new PipelineOptions(workers, chunkSize, ordered, maxInFlight);
  }

  /** These options, with the consumer seeing items as they are done rather than in order. */
  public PipelineOptions unordered() {
    return new PipelineOptions(workers, chunkSize, false, maxInFlight);
  }

  /** These options with at most {@code maxInFlight} items in flight (0: the default). */
  public PipelineOptions withMaxInFlight(int maxInFlight) {
    return new PipelineOptions(workers, chunkSize, ordered, maxInFlight);
  }
}
