package dev.eio.internal.cluster.core;

import com.hazelcast.client.impl.clientside.HazelcastClientInstanceImpl;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.protocol.ClientMessage;
import com.hazelcast.client.impl.protocol.codec.ExecutorServiceCancelOnMemberCodec;
import com.hazelcast.client.impl.protocol.codec.ExecutorServiceSubmitToMemberCodec;
import com.hazelcast.client.impl.spi.impl.ClientInvocation;
import com.hazelcast.client.impl.spi.impl.ClientInvocationFuture;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.util.UuidUtil;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link Envelope} submitted from a Hazelcast client to one member's executor: the same
 * request, reply and cancel messages as {@code IExecutorService.submitToMember}, without the future
 * that method returns.
 *
 * <p>Why: that future ({@code ClientDelegatingFuture}) hangs a {@code whenCompleteAsync} callback
 * on Hazelcast's default async executor, which is {@code ForkJoinPool.commonPool()} only when the
 * common pool has a parallelism above 1; on a machine of 2 cores or fewer it is a new platform
 * thread per call. B9b's caller started one thread per block (190 a second), a third of its CPU
 * (ADR 43). Waiting on the invocation's own future and decoding its reply here starts none.
 *
 * <p>This reads Hazelcast's client internals (the invocation and the executor codecs of the
 * pinned version); a member as the caller, or a client whose internals are not there, uses the
 * public executor proxy ({@link #submit}).
 */
final class ClientSubmission implements Future<byte[]> {
  private final HazelcastClientInstanceImpl client;
  private final String executor;
  private final UUID member;
  private final UUID taskId;
  private final ClientInvocationFuture reply;
  private volatile boolean cancelled;

  private ClientSubmission(HazelcastClientInstanceImpl client, String executor, Envelope task, Member m) {
    this.client = client;
    this.executor = executor;
    this.member = m.getUuid();
    this.taskId = UuidUtil.newUnsecureUUID();
    Data data = client.getSerializationService().toData(task);
    ClientMessage request = ExecutorServiceSubmitToMemberCodec.encodeRequest(executor, taskId, data, member);
    this.reply = new ClientInvocation(client, request, executor, member).invoke();
  }

  /** Submits {@code task} to {@code m}'s executor {@code executor}; its future answers the outcome bytes. */
  static Future<byte[]> submit(HazelcastInstance hz, String executor, Envelope task, Member m) {
    if (hz instanceof HazelcastClientProxy proxy) {
      HazelcastClientInstanceImpl client = proxy.client;
      if (client != null) {
        return new ClientSubmission(client, executor, task, m);
      }
    }
    return hz.getExecutorService(executor).submitToMember(task, m);
  }

  /**
   * Asks the member to cancel the task (interrupting its thread when {@code mayInterrupt}) and
   * waits, bounded, for its answer; true when the member cancelled it.
   *
   * <p>Asked even when the reply future is done: an interrupt of the thread waiting on it completes
   * it with an {@code InterruptedException} while the task runs on (the proxy's future then sent
   * no cancel at all, so a cancelled client never stopped its remote task: {@code
   * ClusterTest}). A member whose task has ended answers false.
   */
  @Override
  public boolean cancel(boolean mayInterrupt) {
    cancelled = true;
    try {
      reply.getInvocation().waitInvoked(); // the cancel must not overtake the task's request
      ClientMessage request = ExecutorServiceCancelOnMemberCodec.encodeRequest(taskId, member, mayInterrupt);
      ClientMessage answer =
          new ClientInvocation(client, request, executor, member)
              .invoke()
              .get(ClusterRemote.STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      return ExecutorServiceCancelOnMemberCodec.decodeResponse(answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false; // the member is gone or did not answer: ClusterRemote stops waiting for it
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public boolean isDone() {
    return reply.isDone();
  }

  @Override
  public byte[] get() throws InterruptedException, ExecutionException {
    return decode(reply.get());
  }

  /**
   * The outcome bytes, waiting up to {@code timeout}: Hazelcast's timed get, which ends at its
   * timeout with the interrupt flag set when the thread was interrupted (see {@code
   * ClusterRemote.await}).
   */
  @Override
  public byte[] get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    return decode(reply.get(timeout, unit));
  }

  /**
   * The outcome bytes, waiting untimed: an interrupt of this thread completes a client's future
   * with an {@code InterruptedException} and ends the wait with one (the reply is then dropped).
   */
  byte[] awaitAnswer() throws InterruptedException, ExecutionException {
    try {
      return decode(reply.get());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InterruptedException) {
        throw new InterruptedException("interrupted while waiting for the member");
      }
      throw e;
    }
  }

  private byte[] decode(ClientMessage answer) {
    SerializationService s = client.getSerializationService();
    return s.toObject(ExecutorServiceSubmitToMemberCodec.decodeResponse(answer));
  }
}
