package dev.eio.workers;

/**
 * What a {@link Hub} receives: a party connected, a party sent a message, or a party
 * disconnected. Parties are numbered by their connection id, which a hub uses to {@linkplain
 * Hub#send answer} one party.
 *
 * <p>Guarantees: for each party the hub receives {@link Connected} first, then its {@link Message}s
 * in the order the party sent them, then {@link Disconnected} once (whichever side closed the
 * connection). Events of different parties interleave as they arrived.
 *
 * <pre>{@code
 * HubFunction<String, String, Integer> echo = hub -> {
 *   int served = 0;
 *   for (HubEvent<String> e : hub) {
 *     if (e instanceof HubEvent.Message<String>(long party, String text)) {
 *       hub.send(party, text);
 *       served++;
 *     }
 *   }
 *   return served;
 * };
 * Switch.run(sw -> {
 *   HubWorker<String, String, Integer> w = Workers.of(env).spawn(sw, echo);
 *   w.connection().send("hi");
 *   System.out.println(w.connection().receive()); // hi
 *   w.close();
 *   w.connection().close();
 *   System.out.println(w.result().await());       // 1
 * });
 * }</pre>
 *
 * @param <T> the type of the messages parties send to the hub
 */
public sealed interface HubEvent<T> {
  /** The party the event is about. */
  long party();

  /** A party connected: from now on {@link Hub#send} and {@link Hub#broadcast} reach it. */
  record Connected<T>(long party) implements HubEvent<T> {}

  /** A party sent {@code value}. */
  record Message<T>(long party, T value) implements HubEvent<T> {}

  /** A party disconnected: no more messages come from it, none reach it. */
  record Disconnected<T>(long party) implements HubEvent<T> {}
}
