package dev.eio.workers;

import java.io.Serializable;

/**
 * How much one decode may read, allocate and nest: the bounds a {@link Codec} applies to bytes
 * that come from another process, so that a few hostile bytes cannot make the decoding JVM
 * allocate gigabytes, overflow its stack or compute for hours. {@link SerializationCodec} checks
 * them with an {@link java.io.ObjectInputFilter} before each object and array is created, and the
 * worker transport refuses a frame longer than {@link #maxBytes} before reading it.
 *
 * <ul>
 *   <li>{@code maxBytes}: the encoded size of one value (default 64 MiB; at most 1 GiB, the
 *       largest frame the transport carries). Encoding a larger value fails too.
 *   <li>{@code maxArrayLength}: the elements of one array, counting the arrays collections
 *       allocate while decoding ({@code ArrayList}, {@code HashMap}, ...) (default 16 Mi). When
 *       the length of the encoding is known, an array is also refused when the bytes left could
 *       not hold its elements, so a forged length never allocates more than the stream could fill.
 *   <li>{@code maxDepth}: the nesting of objects (default 20, as the JDK's RMI registry filter),
 *       which bounds the decoder's stack.
 *   <li>{@code maxReferences}: objects and back references read (default 4 Mi), which bounds the
 *       decoder's table of handles and the number of objects created. It also bounds the value
 *       <i>unfolded</i> (see {@link #maxUnfolded}).
 * </ul>
 *
 * <p>Hashing a set walks its members unfolded: sets that share their members (each level holding
 * the same sets of the level below) cost fan-out^height to hash, from a few hundred bytes and
 * within the depth limit. So {@link SerializationCodec#decode} also counts, for each collection,
 * map, entry, object array and record, the elements it reaches (a shared one once per path to it),
 * and refuses the value when the sum over all of them passes {@link #maxUnfolded}, before a
 * collection holding the last one can hash it.
 *
 * <p>Instances are immutable; the {@code with*} methods return new instances.
 *
 * <pre>{@code
 * Codec codec = SerializationCodec.defaults()
 *     .withLimits(DecodeLimits.defaults().withMaxBytes(256 << 20).withMaxArrayLength(256 << 20));
 * }</pre>
 *
 * @param maxBytes the most bytes one encoded value may have
 * @param maxArrayLength the most elements one array may have
 * @param maxDepth the deepest nesting of objects
 * @param maxReferences the most objects and back references one value may hold
 */
public record DecodeLimits(long maxBytes, long maxArrayLength, long maxDepth, long maxReferences)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The largest {@code maxBytes}: the largest frame the worker transport carries. */
  public static final long MAX_BYTES_LIMIT = 1L << 30;

  private static final DecodeLimits DEFAULTS = new DecodeLimits(64L << 20, 16L << 20, 20, 4L << 20);

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException when a limit is below 1, or {@code maxBytes} above {@link
   *     #MAX_BYTES_LIMIT}
   */
  public DecodeLimits {
    positive("maxBytes", maxBytes);
    positive("maxArrayLength", maxArrayLength);
    positive("maxDepth", maxDepth);
    positive("maxReferences", maxReferences);
    if (maxBytes > MAX_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxBytes must be <= " + MAX_BYTES_LIMIT + " (1 GiB), got " + maxBytes);
    }
  }

  /** 64 MiB, 16 Mi array elements, depth 20, 4 Mi references. */
  public static DecodeLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The most elements the value's collections, maps, entries, object arrays and records may reach
   * in total, each shared one counted once per path to it: {@code 4 * maxReferences}. A value
   * without shared collections counts each object once per collection above it, so only values
   * whose objects sit more than four collections deep on average, or that share collections, come
   * near it; hashing a value once costs about this many steps.
   */
  public long maxUnfolded() {
    return maxReferences > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 4 * maxReferences;
  }

  /** These limits with {@code maxBytes} bytes per encoded value. */
  public DecodeLimits withMaxBytes(long maxBytes) {
    return new DecodeLimits(maxBytes, maxArrayLength, maxDepth, maxReferences);
  }

  /** These limits with {@code maxArrayLength} elements per array. */
  public DecodeLimits withMaxArrayLength(long maxArrayLength) {
    return new DecodeLimits(maxBytes, maxArrayLength, maxDepth, maxReferences);
  }

  /** These limits with objects nested at most {@code maxDepth} deep. */
  public DecodeLimits withMaxDepth(long maxDepth) {
    return new DecodeLimits(maxBytes, maxArrayLength, maxDepth, maxReferences);
  }

  /** These limits with at most {@code maxReferences} objects and back references per value. */
  public DecodeLimits withMaxReferences(long maxReferences) {
    return new DecodeLimits(maxBytes, maxArrayLength, maxDepth, maxReferences);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
