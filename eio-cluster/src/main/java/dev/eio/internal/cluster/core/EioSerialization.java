package dev.eio.internal.cluster.core;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.UUID;

/**
 * eio's Hazelcast-serializable types, created by id (never by a class name read from the wire).
 */
public final class EioSerialization implements DataSerializableFactory {
  /** eio's factory id in Hazelcast's data serialization. */
  public static final int FACTORY_ID = 0x0E10;

  static final int ENVELOPE = 1;
  static final int AWAIT_STOP = 2;
  /** A message or monitor notice between cluster actors. */
  public static final int ACTOR_DELIVERY = 3;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case ENVELOPE -> new Envelope();
      case AWAIT_STOP -> new AwaitStop();
      case ACTOR_DELIVERY -> new dev.eio.internal.cluster.actor.Delivery();
      default -> throw new IllegalArgumentException("no eio type with id " + typeId);
    };
  }

  /** Writes a task id. */
  static void writeId(ObjectDataOutput out, UUID id) throws IOException {
    out.writeLong(id.getMostSignificantBits());
    out.writeLong(id.getLeastSignificantBits());
  }

  /** Reads a task id. */
  static UUID readId(ObjectDataInput in) throws IOException {
    return new UUID(in.readLong(), in.readLong());
  }
}
