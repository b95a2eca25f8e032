package dev.eio.workers;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * A {@link Consumer} that can be sent to a worker JVM, for {@link
 * dev.eio.parallel.Parallel#forEach(dev.eio.parallel.Where, java.util.List, SerializableConsumer)}:
 * the consumer, what it captures and the items must pass the pool's {@link Codec}. On workers its
 * effects happen in the worker processes.
 *
 * <pre>{@code
 * Parallel.forEach(Where.workers(pool), paths, (SerializableConsumer<String>) Thumbnails::write);
 * }</pre>
 */
@FunctionalInterface
public interface SerializableConsumer<A> extends Consumer<A>, Serializable {}
