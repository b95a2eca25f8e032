package dev.eio.workers;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to a worker JVM: the task, everything it captures and the
 * value it returns must pass the {@link Codec} of the {@link Workers} that runs it.
 *
 * <p>A lambda assigned to this type is serializable; it captures values, never the parent's live
 * state (open files, locks, fibers), so keep captured values plain.
 *
 * <pre>{@code
 * SerializableCallable<Long> pid = () -> ProcessHandle.current().pid();
 * long workerPid = Workers.of(env).run(sw, pid);
 * }</pre>
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {}
