package dev.eio.actor;

import dev.eio.internal.actor.Reply;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The address of an actor that takes messages of type {@code M}: send to it, ask it, watch it
 * stop. References are cheap to pass around and stay valid after the actor stopped (messages to
 * a stopped actor are then counted as {@link Actors#deadLetters() dead letters}).
 *
 * <p><b>Guarantees.</b> Messages from one sender to one actor arrive in the order sent, each at
 * most once; a message is either in the mailbox or counted as a dead letter, never silently
 * lost. {@link #send} on an unbounded mailbox never blocks. A reference is an interface so
 * that actors on other cluster members can be addressed the same way.
 *
 * <pre>{@code
 * ActorRef<Counter.Msg> counter = Actors.spawn(sw, "counter", Mailbox.unbounded(), Counter::run);
 * counter.send(new Counter.Add(5));
 * int total = counter.ask(Counter.Get::new, Duration.ofSeconds(1));
 * }</pre>
 */
public interface ActorRef<M> {
  /** The handle {@link #onExit} returns, to take the callback back. */
  interface ExitHandle {
    /** Removes the callback; returns whether it was removed before it ran. */
    boolean remove();
  }

  /** The actor's name, for logs and thread dumps (names need not be unique). */
  String name();

  /**
   * Puts {@code message} in the actor's mailbox and returns. On a bounded mailbox that is full it
   * throws {@link MailboxFullException} ({@link Mailbox.WhenFull#FAIL}) or waits for room ({@link
   * Mailbox.WhenFull#WAIT}: cancellable, throws {@link dev.eio.Cancelled}). A message to an actor
   * that has stopped is counted as a dead letter.
   *
   * @throws NullPointerException when {@code message} is null
   */
  void send(M message);

  /**
   * Puts {@code message} in the mailbox if there is room and the actor runs; never waits.
   *
   * @return whether it was put in the mailbox (when not, a stopped actor counts a dead letter)
   */
  boolean trySend(M message);

  /**
   * Sends the message {@code request} builds around a one-shot reply address and waits for the
   * first reply, at most {@code timeout} (measured on {@link System#nanoTime()}). Later replies
   * and replies after the timeout are dead letters.
   *
   * <pre>{@code
   * record Get(ActorRef<Integer> replyTo) implements Msg {}
   * int n = counter.ask(Get::new, Duration.ofSeconds(1));
   * }</pre>
   *
   * @throws dev.eio.Timeout when no reply came in time
   * @throws dev.eio.Cancelled when the caller is cancelled while waiting
   * @throws ActorExitException when the actor stopped before replying
   */
  default <R> R ask(Function<? super ActorRef<R>, ? extends M> request, Duration timeout) {
    return Reply.ask(this, request, timeout);
  }

  /** Whether the actor is still running (a snapshot: it may stop right after). */
  boolean isAlive();

  /**
   * Waits until the actor has stopped and returns why; returns at once when it already has.
   *
   * @throws dev.eio.Cancelled when the caller is cancelled first
   */
  ExitReason awaitExit();

  /**
   * Runs {@code callback} once with the exit reason when the actor stops (at once, on the
   * calling thread, when it already has). The callback runs on the stopping actor's fiber: keep
   * it short and non-blocking (send a message, complete a promise). Registering counts as
   * observing the actor: a failure that reaches a callback does not fail the switch.
   */
  ExitHandle onExit(Consumer<? super ExitReason> callback);
}
