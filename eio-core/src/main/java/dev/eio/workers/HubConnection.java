package dev.eio.workers;

import dev.eio.Channel;
import dev.eio.ChannelClosedException;
import dev.eio.internal.workers.WorkerFrames;
import java.io.IOException;
import java.util.Iterator;

/**
 * One party's two-way connection to a {@linkplain Workers#spawn spawned} hub: {@link #send} goes to
 * the hub as a {@link HubEvent.Message}, {@link #receive} takes what the hub {@linkplain Hub#send
 * sent to this party} or {@linkplain Hub#broadcast broadcast}.
 *
 * <p><b>Guarantees.</b> Receiving has {@link Channel} semantics: it blocks, is cancellable (a
 * receive cancelled while waiting took nothing), and ends in one of two ways. <i>Done</i>: when
 * the hub function returns, the hub {@linkplain Hub#disconnect disconnects} this party, or this side {@linkplain
 * #close closes} it, messages already received here can still be taken, then {@link #receive}
 * throws {@link ChannelClosedException} without a cause and a for-each loop ends normally.
 * <i>Broken</i>: when the hub function throws, the worker dies ({@link WorkerCrashedException}) or
 * the owning switch finishes first ({@link dev.eio.Cancelled}), pending messages are dropped and
 * every receive throws {@link ChannelClosedException} with that cause. Messages from the hub pass
 * the codec's allow-list (plus the hub function's own classes); a refused class makes {@link
 * #receive} throw {@link CodecException} naming it, and that message is dropped. Messages this side
 * sends arrive in order, before the hub learns of the disconnection.
 *
 * <p><b>Memory.</b> Messages from the hub wait here in an unbounded queue until received. Each is
 * decoded within the codec's {@link DecodeLimits} when received.
 *
 * <p><b>Cancellation while decoding.</b> Decoding is a cancellation point: a receive cancelled
 * while it decodes a message throws {@link dev.eio.Cancelled} and that message is dropped.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   HubWorker<String, String, Void> w = Workers.of(env).spawn(sw, pongHub);
 *   HubConnection<String, String> c = w.connection();
 *   c.send("ping");
 *   System.out.println(c.receive()); // pong
 *   c.close();
 * });
 * }</pre>
 *
 * @param <I> the type of the messages sent to the hub
 * @param <O> the type of the messages received from the hub
 */
public final class HubConnection<I, O> implements Iterable<O> {
  private final HubWorker<I, O, ?> hub;
  private final long id;
  private final Channel<byte[]> inbound = Channel.unbounded();
  private boolean closed; // guarded by this: no more sends from this side

  HubConnection(HubWorker<I, O, ?> hub, long id) {
    this.hub = hub;
    this.id = id;
  }

  /** The party's id, as the hub sees it in its events. */
  public long id() {
    return id;
  }

  /**
   * Sends {@code message} to the hub.
   *
   * @throws NullPointerException when {@code message} is null
   * @throws CodecException when {@code message} cannot be encoded
   * @throws ChannelClosedException when the connection is closed or the hub has ended (the cause
   *     says why when it ended badly)
   */
  public void send(I message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    byte[] bytes = hub.codec().encode(message);
    synchronized (this) {
      if (closed) {
        throw new ChannelClosedException(
            "connection " + id + " to hub " + hub.name() + " is closed", hub.endCause());
      }
      try {
        hub.process().send(WorkerFrames.UP, id, bytes);
      } catch (IOException e) {
        throw new ChannelClosedException(
            "hub " + hub.name() + " is gone", hub.process().awaitDeath());
      }
    }
  }

  /**
   * Receives the next message from the hub, waiting for one.
   *
   * @throws ChannelClosedException when the connection is done (no cause) or broken (the cause)
   * @throws CodecException when the message holds a class outside the allow-list or is over the
   *     codec's {@link DecodeLimits}
   * @throws dev.eio.Cancelled when the fiber is cancelled while waiting or decoding
   */
  public O receive() {
    return decode(inbound.receive());
  }

  /**
   * Receives until the connection is done; throws {@link ChannelClosedException} from {@code
   * hasNext} when it is broken.
   */
  @Override
  public Iterator<O> iterator() {
    Iterator<byte[]> it = inbound.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public O next() {
        return decode(it.next());
      }
    };
  }

  /**
   * Leaves the hub: the hub receives this party's {@link HubEvent.Disconnected} after the messages
   * it sent; later sends throw, receives drain what already arrived. Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    inbound.close();
    hub.disconnected(this);
  }

  /** Whether this side can no longer send (closed here, by the hub, or the hub has ended). */
  public synchronized boolean isClosed() {
    return closed;
  }

  private O decode(byte[] bytes) {
    @SuppressWarnings("unchecked")
    O value = (O) hub.codec().decode(bytes, hub.allowed());
    return value;
  }

  /** A message from the hub; called on the worker's reader thread. */
  void deliver(byte[] bytes) {
    try {
      inbound.trySend(bytes);
    } catch (ChannelClosedException e) {
      // This side left; the hub learns it from the CLOSE frame on its way.
    }
  }

  /** The hub disconnected this party, or the hub function returned: done. */
  void done() {
    synchronized (this) {
      closed = true;
    }
    inbound.close();
  }

  /** The hub ended badly: broken. */
  void broken(Throwable cause) {
    synchronized (this) {
      closed = true;
    }
    inbound.fail(cause);
  }

  @Override
  public String toString() {
    return "HubConnection[" + id + " to " + hub.name() + (isClosed() ? ", closed]" : "]");
  }
}
