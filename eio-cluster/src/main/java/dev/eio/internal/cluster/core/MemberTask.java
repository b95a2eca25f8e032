package dev.eio.internal.cluster.core;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.workers.SerializableCallable;

/**
 * A task that runs against the member that received it (its services, its maps), not just in its
 * JVM: an {@link Envelope} calls {@link #callOn} with its member's instance in place of {@link
 * #call}. Several members may share one JVM (tests, in-process members), so JVM-wide state would
 * not tell them apart.
 */
public interface MemberTask<T> extends SerializableCallable<T> {
  /** Runs on {@code member}, the instance whose executor received the task. */
  T callOn(HazelcastInstance member) throws Exception;
}
