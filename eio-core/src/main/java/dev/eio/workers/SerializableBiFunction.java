package dev.eio.workers;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A {@link BiFunction} that can be sent to a worker JVM: the accumulator of {@link
 * dev.eio.parallel.Parallel}'s {@code fold} on a {@link dev.eio.parallel.Where}. It, what it
 * captures, the identity, the items and the partial results must pass the pool's {@link Codec}.
 *
 * <pre>{@code
 * long total = Parallel.fold(Where.workers(pool), numbers, 0L, (acc, x) -> acc + x, Long::sum);
 * }</pre>
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends BiFunction<A, B, R>, Serializable {}
