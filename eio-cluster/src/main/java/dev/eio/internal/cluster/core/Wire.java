package dev.eio.internal.cluster.core;

import dev.eio.cluster.ClusterChannel;
import dev.eio.cluster.ClusterGroup;
import dev.eio.cluster.ClusterHub;
import dev.eio.cluster.ClusterHubConnection;
import dev.eio.cluster.GroupBrokenException;
import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import dev.eio.workers.SerializableCallable;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How eio's tasks and their outcomes cross the cluster: as bytes of the worker {@link Codec}, so
 * that the codec's allow-list (and whatever limits its filter sets) decides what a member or a
 * caller accepts, exactly as between a parent and its worker JVMs.
 *
 * <p>A member decodes a task with the codec's own allow-list plus {@link #LIBRARY}: the eio classes
 * that carry user functions ({@code Parallel}'s ranges, {@code OwnedTask}) and {@link
 * SerializedLambda}. A lambda's capturing class is checked like any class, so a user's lambda
 * runs only if its class is on the codec's list. A caller decodes an outcome with the codec's list
 * plus the classes of the task owner's nest, as {@code Workers} does for a reply.
 *
 * <p>The merge point for a bounded filter: every decode on the cluster goes through {@link
 * #decode} (tasks, outcomes) or {@link CodecSerializer} (anything else Hazelcast would have read
 * with Java serialization), and both call {@link Codec#decode}.
 */
public final class Wire implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The key of this object in a member's user context. */
  public static final String USER_CONTEXT_KEY = "dev.eio.cluster.wire";

  /** The nests of eio's own carriers of user functions, accepted in tasks on every member. */
  private static final Set<String> LIBRARY =
      Set.of(
          "dev.eio.internal.OwnedTask",
          "dev.eio.parallel.Parallel",
          "dev.eio.parallel.Streaming");

  /** The public eio-cluster classes whose nests hold what channels, hubs and groups send. */
  private static final Set<Class<?>> MESSAGE_NESTS =
      Set.of(
          ClusterChannel.class,
          ClusterGroup.class,
          ClusterHub.class,
          ClusterHubConnection.class,
          GroupBrokenException.class);

  private final Codec codec;

  public Wire(Codec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  public Codec codec() {
    return codec;
  }

  /** Whether {@code c} is one of eio's carriers (or a serialized lambda), accepted in tasks. */
  static boolean library(Class<?> c) {
    // A lambda's hidden class is only ever made by its capturing class's $deserializeLambda$,
    // after the filter accepted that class (a Class object in the SerializedLambda): the filter
    // then sees the lambda again as readResolve's result, and it needs no other check.
    return c == SerializedLambda.class || c.isHidden() || LIBRARY.contains(c.getNestHost().getName());
  }

  /**
   * The bytes of {@code task}.
   *
   * @throws CodecException naming the class and the field path of what cannot be serialized
   */
  public byte[] encodeTask(SerializableCallable<?> task) {
    try {
      return codec.encode(task);
    } catch (CodecException e) {
      String path = FieldPath.toUnserializable(task);
      if (path == null) {
        throw e;
      }
      throw new CodecException(
          "cannot send task " + task.getClass().getName() + " to the cluster: " + path,
          e.refusedClass().orElse(null),
          e);
    }
  }

  /** The task in {@code bytes}, read with the codec's list and eio's carriers. */
  SerializableCallable<?> decodeTask(byte[] bytes) {
    Object task = codec.decode(bytes, Wire::library);
    if (!(task instanceof SerializableCallable<?> callable)) {
      throw new CodecException(
          "a cluster task must be a SerializableCallable, got "
              + (task == null ? "null" : task.getClass().getName()),
          null);
    }
    return callable;
  }

  /** The bytes of an outcome; a value the codec cannot encode becomes a failure naming it. */
  byte[] encodeOutcome(Outcome outcome) {
    try {
      return codec.encode(outcome);
    } catch (CodecException e) {
      return codec.encode(Outcome.failed(e));
    }
  }

  /** The outcome in {@code bytes}, read with the codec's list and the classes of {@code owner}. */
  public Outcome decodeOutcome(byte[] bytes, Predicate<Class<?>> owner) {
    Object o = codec.decode(bytes, c -> c == Outcome.class || owner.test(c));
    return (Outcome) o;
  }

  /**
   * Anything else on the cluster, read with the codec's list plus the engine's classes: Hazelcast's
   * own and eio-cluster's internal messages (the state and entry processors of channels, hubs and
   * groups), which every member must read whatever its users allowed.
   */
  Object decodeOther(byte[] bytes) {
    return codec.decode(bytes, Wire::engine);
  }

  private static boolean engine(Class<?> c) {
    String name = c.getName();
    // Not the whole public package dev.eio.cluster: users' classes may live there too.
    return name.startsWith("com.hazelcast.")
        || name.startsWith("dev.eio.internal.cluster.msg.")
        || MESSAGE_NESTS.contains(c.getNestHost());
  }

  byte[] encodeOther(Object value) {
    return codec.encode(value);
  }
}
