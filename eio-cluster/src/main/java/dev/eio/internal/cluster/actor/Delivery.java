package dev.eio.internal.cluster.actor;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.eio.internal.actor.DeadLetters;
import dev.eio.internal.cluster.core.EioSerialization;
import java.io.IOException;
import java.util.UUID;

/**
 * One item from a node to another: a message for an actor, a monitor request or its withdrawal, or
 * a monitor's down notice. Sent fire-and-forget (an executor task to a member, an item of a
 * client's inbox queue); ordered per sending node by {@link #seq}. Only the numbers and ids are
 * Hazelcast's to read: the message itself stays codec bytes until the receiving node decodes it
 * with its own allow-list and limits.
 */
public final class Delivery implements Runnable, IdentifiedDataSerializable, HazelcastInstanceAware {
  static final byte MESSAGE = 1;
  static final byte MONITOR = 2;
  static final byte DEMONITOR = 3;
  static final byte DOWN = 4;

  byte kind;
  /** The sending node (its inbound stream at the receiver). */
  UUID source;
  /** The sending node's member, or null when the sender is a client. */
  UUID sourceMember;
  long seq;
  /** The target actor's token (MESSAGE, MONITOR, DEMONITOR). */
  UUID token;
  /** The watch, as numbered by the watching node (MONITOR, DEMONITOR, DOWN). */
  long watch;
  /** Codec bytes: the message (MESSAGE) or the exit reason (DOWN). */
  byte[] payload;

  private transient HazelcastInstance hz;

  public Delivery() {}

  Delivery(byte kind, UUID token, long watch, byte[] payload) {
    this.kind = kind;
    this.token = token;
    this.watch = watch;
    this.payload = payload;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  /** Runs on the receiving member's executor: hands itself to the member's node. */
  @Override
  public void run() {
    Node node = hz == null ? null : Node.of(hz);
    if (node == null) {
      // No ClusterActors on this member (never started, or its switch ended).
      if (kind == MESSAGE) {
        DeadLetters.add(1);
      }
      return;
    }
    node.arrive(this);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind);
    writeUuid(out, source);
    writeUuid(out, sourceMember);
    out.writeLong(seq);
    writeUuid(out, token);
    out.writeLong(watch);
    out.writeByteArray(payload);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = in.readByte();
    source = readUuid(in);
    sourceMember = readUuid(in);
    seq = in.readLong();
    token = readUuid(in);
    watch = in.readLong();
    payload = in.readByteArray();
  }

  private static void writeUuid(ObjectDataOutput out, UUID id) throws IOException {
    out.writeBoolean(id != null);
    if (id != null) {
      out.writeLong(id.getMostSignificantBits());
      out.writeLong(id.getLeastSignificantBits());
    }
  }

  private static UUID readUuid(ObjectDataInput in) throws IOException {
    return in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
  }

  @Override
  public int getFactoryId() {
    return EioSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EioSerialization.ACTOR_DELIVERY;
  }

  @Override
  public String toString() {
    return "Delivery[kind " + kind + ", from " + source + " #" + seq + ", token " + token + "]";
  }
}
