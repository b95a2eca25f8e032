package dev.eio.workers;

import java.io.Serializable;

/**
 * The function a {@linkplain Workers#spawn spawned} worker runs: it serves the parties connected
 * to its {@link Hub} and returns a result for the parent. Like a {@link SerializableCallable}, it
 * travels to the worker through the {@link Codec}, with what it captures.
 *
 * <p>It runs on a platform thread of the worker; cancelling the parent's switch interrupts that
 * thread (so a {@link Hub#receive} throws {@link dev.eio.Cancelled}), and kills the worker when the
 * function has not returned within the grace period. Inside, {@code Switch.run} gives it fibers.
 *
 * <pre>{@code
 * HubFunction<String, String, Void> pong = hub -> {
 *   for (HubEvent<String> e : hub) {
 *     if (e instanceof HubEvent.Message<String> m) hub.send(m.party(), "pong");
 *   }
 *   return null;
 * };
 * Switch.run(sw -> Workers.of(env).spawn(sw, pong).connection().send("ping"));
 * }</pre>
 *
 * @param <I> the type of the messages parties send to the hub
 * @param <O> the type of the messages the hub sends to parties
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface HubFunction<I, O, R> extends Serializable {
  /** Serves {@code hub}'s parties and returns the result the parent's promise gets. */
  R apply(Hub<I, O> hub) throws Exception;
}
