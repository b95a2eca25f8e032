package dev.eio.cluster.actor;

import dev.eio.actor.Behavior;
import java.io.Serializable;

/**
 * An actor's behaviour that can be sent to another cluster member and run there: a {@link
 * Behavior} that serializes (a lambda whose class, and whatever it captures, the member's codec
 * allows).
 *
 * <pre>{@code
 * RemoteBehavior<String> echo = ctx -> { while (true) System.out.println(ctx.receive()); };
 * }</pre>
 */
@FunctionalInterface
public interface RemoteBehavior<M> extends Behavior<M>, Serializable {}
