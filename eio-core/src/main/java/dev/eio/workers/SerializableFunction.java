package dev.eio.workers;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can be sent to a worker JVM, for {@link dev.eio.parallel.Parallel}'s
 * operations on a {@link dev.eio.parallel.Where}: the function, what it captures, its items and
 * its results must pass the pool's {@link Codec}. On domains it is called like any function.
 *
 * <pre>{@code
 * SerializableFunction<String, Integer> length = String::length;
 * List<Integer> lengths = Parallel.map(Where.workers(pool), words, length);
 * }</pre>
 */
@FunctionalInterface
public interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}
