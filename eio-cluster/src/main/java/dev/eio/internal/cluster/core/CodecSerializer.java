package dev.eio.internal.cluster.core;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;

/**
 * Hazelcast's global serializer in place of its Java serialization: whatever a member or client
 * would have read with {@code ObjectInputStream} (a {@code Serializable} in a map, a queue, a
 * topic) is read by the eio codec instead, behind its allow-list, refusing a class before it is
 * instantiated.
 */
public final class CodecSerializer implements StreamSerializer<Object> {
  /** The type id Hazelcast records for values written by this serializer. */
  public static final int TYPE_ID = 0x0E1001;

  private final Wire wire;

  public CodecSerializer(Wire wire) {
    this.wire = wire;
  }

  @Override
  public void write(ObjectDataOutput out, Object value) throws IOException {
    out.writeByteArray(wire.encodeOther(value));
  }

  @Override
  public Object read(ObjectDataInput in) throws IOException {
    return wire.decodeOther(in.readByteArray());
  }

  @Override
  public int getTypeId() {
    return TYPE_ID;
  }
}
