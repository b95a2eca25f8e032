package dev.eio.actor;

import dev.eio.Switch;
import dev.eio.internal.actor.ActorCell;
import dev.eio.internal.actor.DeadLetters;

/**
 * Spawns actors: an actor is a fiber with a typed mailbox, started in a switch, so no actor
 * outlives the code that started it.
 *
 * <p><b>Guarantees.</b>
 *
 * <ul>
 *   <li>An actor runs on a daemon fiber of its switch: once the switch's body and its other
 *       fibers have ended, the switch cancels its actors and waits for them ({@link
 *       ExitReason.Cancelled}). Wait for an actor's result first ({@link ActorRef#awaitExit},
 *       {@link ActorRef#ask}) when it matters.
 *   <li>An actor that fails tells its monitors, its links and its supervisor. A failure that
 *       reaches none of them (no monitor, no live linked actor, no supervisor, nobody in {@link
 *       ActorRef#awaitExit}) fails the switch, like a failed fiber: errors are never silent.
 *   <li>When an actor stops, the messages left in its mailbox and every later message are
 *       counted as {@link #deadLetters() dead letters}.
 * </ul>
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   ActorRef<String> printer = Actors.spawn(sw, "printer", Mailbox.unbounded(), ctx -> {
 *     while (true) {
 *       System.out.println(ctx.receive());
 *     }
 *   });
 *   printer.send("hello");
 * });
 * }</pre>
 */
public final class Actors {
  private Actors() {}

  /**
   * Starts an actor running {@code behavior} in {@code sw}, with the given kind of mailbox.
   *
   * @param name for logs and thread dumps; need not be unique (see {@link Registry})
   * @throws WrongThreadException when the caller is not in {@code sw}'s tree of fibers
   * @throws IllegalStateException when {@code sw} has finished
   */
  public static <M> ActorRef<M> spawn(
      Switch sw, String name, Mailbox mailbox, Behavior<M> behavior) {
    return ActorCell.spawn(sw, name, mailbox, behavior, null, null);
  }

  /**
   * Messages that reached no actor, in this JVM so far: sent to an actor that had stopped, left
   * in a mailbox when its actor stopped, or replies to an ask that had given up.
   */
  public static long deadLetters() {
    return DeadLetters.count();
  }
}
