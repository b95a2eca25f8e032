package dev.eio.actor;

/**
 * The notice an actor that traps exits ({@link ActorContext#trapExits}) receives, as a message,
 * when an actor linked to it stops, instead of being stopped with it.
 *
 * @param from the linked actor that stopped
 * @param reason why it stopped
 */
public record Exit(ActorRef<?> from, ExitReason reason) {}
