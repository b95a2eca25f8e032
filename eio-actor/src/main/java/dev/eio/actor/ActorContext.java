package dev.eio.actor;

import dev.eio.Switch;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a running actor sees of itself: its address, its mailbox (plain and selective receive),
 * its monitors and links, and the switch it lives in. Only the actor's own fiber may use it (any
 * other thread gets an {@link IllegalStateException}).
 *
 * <p><b>Guarantees.</b> A receive takes the oldest message that matches; messages passed over
 * by a selective receive stay in the mailbox in their order and are taken first by later
 * receives. Every receive is a blocking point: a cancelled actor throws {@link
 * dev.eio.Cancelled} and no message is taken. A timed receive that returns empty took nothing.
 *
 * <pre>{@code
 * Behavior<Msg> b = ctx -> {
 *   Msg first = ctx.receive();                                     // the oldest message
 *   Optional<Msg> urgent = ctx.receive(m -> m instanceof Urgent, Duration.ofMillis(100));
 * };
 * }</pre>
 */
public interface ActorContext<M> {
  /** This actor's address. */
  ActorRef<M> self();

  /** The switch this actor lives in (it stops when the switch ends). */
  Switch scope();

  /**
   * Takes the oldest message, waiting for one.
   *
   * @throws dev.eio.Cancelled when the actor is cancelled first
   */
  M receive();

  /** Takes the oldest message, waiting at most {@code timeout}; empty when none came. */
  Optional<M> receive(Duration timeout);

  /**
   * Takes the oldest message that {@code match} accepts, waiting for one; messages it passes
   * over stay in the mailbox, in order.
   */
  M receive(Predicate<? super M> match);

  /**
   * Erlang's {@code receive ... after}: takes the oldest message {@code match} accepts, waiting
   * at most {@code timeout}; empty when none came (the passed-over messages stay, in order).
   */
  Optional<M> receive(Predicate<? super M> match, Duration timeout);

  /** Like {@link #receive(Predicate, Duration)}, matching the messages of one type. */
  default <T extends M> Optional<T> receive(Class<T> type, Duration timeout) {
    return receive(type::isInstance, timeout).map(type::cast);
  }

  /**
   * Watches {@code target}: once it stops, this actor gets the message {@code toMessage} makes
   * of the {@link Down} notice (at once when it already has stopped).
   *
   * @return a handle that cancels the monitor
   */
  ActorRef.ExitHandle monitor(ActorRef<?> target, Function<? super Down, ? extends M> toMessage);

  /**
   * Links this actor and {@code other} both ways: when either stops abnormally the other is
   * stopped too (its failure an {@link ActorExitException}), unless it traps exits. Linking to
   * an actor that has already stopped acts at once.
   */
  void link(ActorRef<?> other);

  /** Removes a link made by {@link #link}; does nothing when there is none. */
  void unlink(ActorRef<?> other);

  /**
   * From now on, a linked actor's stop (normal or not) reaches this actor as the message {@code
   * toMessage} makes of the {@link Exit} notice, instead of stopping it.
   */
  void trapExits(Function<? super Exit, ? extends M> toMessage);

  /** Spawns an actor in this actor's switch ({@link Actors#spawn}). */
  <N> ActorRef<N> spawn(String name, Mailbox mailbox, Behavior<N> behavior);

  /**
   * Spawns an actor in this actor's switch, linked to this one before it starts (so not even an
   * immediate failure escapes the link).
   */
  <N> ActorRef<N> spawnLinked(String name, Mailbox mailbox, Behavior<N> behavior);
}
