package dev.eio.workers;

import java.util.Iterator;
import java.util.Set;

/**
 * The worker's side of a {@linkplain Workers#spawn spawned} hub: it receives the events of every
 * connected party (connected, message, disconnected) in one stream, answers one party with {@link
 * #send}, all of them with {@link #broadcast}, and can {@link #disconnect} a party.
 *
 * <p><b>Guarantees.</b> Events follow {@link HubEvent}'s order rules. {@link #receive} blocks and is
 * cancellable like {@link dev.eio.Channel#receive}; the stream ends ({@link #receive} throws {@link
 * dev.eio.ChannelClosedException}, a for-each loop ends normally) once the parent has {@linkplain
 * HubWorker#close closed the hub} and every party has disconnected. Messages to one party arrive
 * in the order they were sent; a message to a party that has disconnected meanwhile is dropped.
 * Messages cross through the worker's {@link Codec}: a value it cannot encode throws {@link
 * CodecException} from {@link #send}, and the parent refuses classes outside its allow-list (the
 * hub function's own classes are allowed).
 *
 * <p><b>Memory.</b> Events wait in an unbounded queue in the worker: a hub that falls behind its
 * parties holds their messages in memory (the pipe carries everything, there is no flow control
 * per party).
 *
 * <pre>{@code
 * HubFunction<String, String, Integer> chat = hub -> {
 *   int messages = 0;
 *   for (HubEvent<String> e : hub) {
 *     switch (e) {
 *       case HubEvent.Connected<String> c -> hub.broadcast("party " + c.party() + " joined");
 *       case HubEvent.Message<String> m -> { hub.broadcast(m.value()); messages++; }
 *       case HubEvent.Disconnected<String> d -> hub.broadcast("party " + d.party() + " left");
 *     }
 *   }
 *   return messages;
 * };
 * Switch.run(sw -> {
 *   HubWorker<String, String, Integer> w = Workers.of(env).spawn(sw, chat);
 *   HubConnection<String, String> alice = w.connection(), bob = w.connect();
 *   w.close(); // no more parties
 *   alice.send("hello");
 *   ...
 * });
 * }</pre>
 *
 * @param <I> the type of the messages parties send to the hub
 * @param <O> the type of the messages the hub sends to parties
 */
public interface Hub<I, O> extends Iterable<HubEvent<I>> {
  /**
   * The next event, waiting for one.
   *
   * @throws dev.eio.ChannelClosedException when the hub is closed and every party has left
   * @throws dev.eio.Cancelled when the hub function is cancelled while waiting
   * @throws CodecException when the message cannot be decoded (the event is dropped)
   */
  HubEvent<I> receive();

  /**
   * Receives events until the stream ends, as {@link #receive} does; the iterator's {@code
   * hasNext} blocks.
   */
  @Override
  Iterator<HubEvent<I>> iterator();

  /**
   * Sends {@code message} to {@code party}.
   *
   * @return whether {@code party} is connected (false: the message was dropped)
   * @throws CodecException when {@code message} cannot be encoded
   */
  boolean send(long party, O message);

  /**
   * Sends {@code message} to every connected party.
   *
   * @return the number of parties it was sent to
   * @throws CodecException when {@code message} cannot be encoded
   */
  int broadcast(O message);

  /**
   * Disconnects {@code party}: its connection in the parent stops receiving after the messages
   * already sent, and the hub later receives its {@link HubEvent.Disconnected}.
   *
   * @return whether {@code party} was connected
   */
  boolean disconnect(long party);

  /** The parties connected now: those whose Connected event was received, not yet Disconnected. */
  Set<Long> parties();
}
