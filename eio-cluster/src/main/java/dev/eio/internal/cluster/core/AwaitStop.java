package dev.eio.internal.cluster.core;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Sent after {@code cancel(true)} to the member of a cancelled task: answers once that task has
 * stopped (or will never start), or false after the timeout. Runs on eio's control executor, so it
 * never queues behind work.
 */
public final class AwaitStop implements Callable<Boolean>, IdentifiedDataSerializable {
  private UUID id;
  private long timeoutMillis;

  AwaitStop() {}

  public AwaitStop(UUID id, long timeoutMillis) {
    this.id = id;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Boolean call() throws InterruptedException {
    return RunningTasks.awaitStopped(id, timeoutMillis);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    EioSerialization.writeId(out, id);
    out.writeLong(timeoutMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    id = EioSerialization.readId(in);
    timeoutMillis = in.readLong();
  }

  @Override
  public int getFactoryId() {
    return EioSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return EioSerialization.AWAIT_STOP;
  }
}
