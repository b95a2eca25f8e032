package dev.eio.internal.actor;

import dev.eio.actor.ActorRef;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;

/**
 * The hook through which a local actor's reference crosses the wire: while a cluster node encodes
 * a message on this thread ({@link #with}), serializing an {@link ActorCell} or a {@link Reply}
 * asks that node for the reference's wire form (it registers the actor under an unguessable
 * token). Outside such an encode a local reference does not serialize: it means nothing off this
 * JVM unless a node can route messages back to it.
 */
public final class Export {
  /** Turns a local reference into the serializable form a node can route back to it. */
  @FunctionalInterface
  public interface Exporter {
    Object export(ActorRef<?> ref) throws ObjectStreamException;
  }

  private static final ThreadLocal<Exporter> CURRENT = new ThreadLocal<>();

  private Export() {}

  /** Runs {@code body} with {@code exporter} turning local references into wire forms. */
  public static <T> T with(Exporter exporter, java.util.function.Supplier<T> body) {
    Exporter before = CURRENT.get();
    CURRENT.set(exporter);
    try {
      return body.get();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }

  /** The wire form of {@code ref} (called by its {@code writeReplace}). */
  static Object replace(ActorRef<?> ref) throws ObjectStreamException {
    Exporter e = CURRENT.get();
    if (e == null) {
      throw new NotSerializableException(
          ref + ": a local actor reference travels only inside messages to cluster actors"
              + " (dev.eio.cluster.actor.ClusterActors)");
    }
    return e.export(ref);
  }
}
