package dev.eio.actor;

/**
 * What an actor does: a function of its context, run once on the actor's own fiber. It receives
 * with {@link ActorContext#receive()} and its variants, keeps its state in local variables, and
 * stops the actor by returning (a normal stop) or throwing (a failure).
 *
 * <pre>{@code
 * Behavior<Integer> summer = ctx -> {
 *   long sum = 0;
 *   while (true) {
 *     sum += ctx.receive();
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Behavior<M> {
  /** Runs the actor; returns to stop it normally. */
  void run(ActorContext<M> ctx) throws Exception;
}
