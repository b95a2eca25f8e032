package dev.eio.internal.cluster.core;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.eio.Cancelled;
import dev.eio.workers.SerializableCallable;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * An eio task on its way to a member: an id (for {@link AwaitStop}) and the task's codec bytes.
 * The member decodes the task with its own {@link Wire} (found in its user context), never the
 * sender's, runs it, and answers with the codec bytes of its {@link Outcome}.
 */
public final class Envelope implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
  private UUID id;
  private byte[] task;
  private transient Wire wire;
  private transient HazelcastInstance member;

  Envelope() {}

  public Envelope(UUID id, byte[] task) {
    this.id = id;
    this.task = task;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    wire = (Wire) hz.getUserContext().get(Wire.USER_CONTEXT_KEY);
    member = hz;
  }

  @Override
  public byte[] call() {
    if (wire == null) {
      throw new IllegalStateException(
          "this member was not started by eio-cluster: it has no eio codec to read tasks with");
    }
    CountDownLatch done = new CountDownLatch(1);
    if (!RunningTasks.start(id, done)) {
      return wire.encodeOutcome(Outcome.failed(new Cancelled("cancelled before it started")));
    }
    try {
      SerializableCallable<?> callable = wire.decodeTask(task);
      Object value = callable instanceof MemberTask<?> t ? t.callOn(member) : callable.call();
      return wire.encodeOutcome(Outcome.ok(value));
    } catch (Throwable t) {
      return wire.encodeOutcome(Outcome.failed(t));
    } finally {
      RunningTasks.finish(id, done);
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    EioSerialization.writeId(out, id);
    out.writeByteArray(task);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    id = EioSerialization.readId(in);
    task = in.readByteArray();
  }

  @Override
  public int getFactoryId() {
    return EioSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EioSerialization.ENVELOPE;
  }
}
