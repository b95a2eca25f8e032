package dev.eio.actor;

/**
 * The notice a monitor delivers once the monitored actor has stopped: which actor, and why.
 *
 * @param actor the actor that stopped
 * @param reason why it stopped
 */
public record Down(ActorRef<?> actor, ExitReason reason) {}
