package dev.eio.actor;

/**
 * Thrown by {@link ActorRef#send} when the actor's mailbox is bounded with {@link
 * Mailbox.WhenFull#FAIL} and holds its capacity of messages; the message was not delivered.
 */
public final class MailboxFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A full-mailbox error naming the actor and the capacity. */
  public MailboxFullException(String actor, int capacity) {
    super("mailbox of actor '" + actor + "' is full (capacity " + capacity + ")");
  }
}
