package dev.eio.actor;

/**
 * The kind of mailbox an actor gets, chosen explicitly when it is spawned: {@link #unbounded()},
 * or {@link #bounded} with what a sender meets when it is full.
 *
 * <p><b>Guarantees.</b> Messages from one sender to one actor are received in the order sent
 * (a selective receive may take a later one first, by design). An unbounded mailbox never makes
 * a sender wait; its memory grows with the backlog. A bounded mailbox holds at most {@code
 * capacity} of the senders' messages; notices the runtime delivers ({@link Down}, {@link Exit})
 * use a reserve of the same size on top, so a full mailbox never loses a monitor's notice.
 *
 * <pre>{@code
 * Actors.spawn(sw, "log", Mailbox.bounded(1024, Mailbox.WhenFull.WAIT), ctx -> { ... });
 * }</pre>
 */
public final class Mailbox {
  /** What {@link ActorRef#send} does when a bounded mailbox is full. */
  public enum WhenFull {
    /** Throw {@link MailboxFullException}: the sender decides (drop, retry, shed load). */
    FAIL,
    /** Wait until there is room (backpressure); the wait is cancellable like any other. */
    WAIT
  }

  private static final Mailbox UNBOUNDED = new Mailbox(0, null);

  private final int capacity;
  private final WhenFull whenFull;

  private Mailbox(int capacity, WhenFull whenFull) {
    this.capacity = capacity;
    this.whenFull = whenFull;
  }

  /** A mailbox without a limit: {@code send} never waits and never fails for room. */
  public static Mailbox unbounded() {
    return UNBOUNDED;
  }

  /**
   * A mailbox holding at most {@code capacity} messages.
   *
   * @throws IllegalArgumentException when {@code capacity} is below 1 or above 2^29
   */
  public static Mailbox bounded(int capacity, WhenFull whenFull) {
    if (capacity < 1 || capacity > (1 << 29)) {
      throw new IllegalArgumentException(
          "capacity must be between 1 and 2^29, was " + capacity);
    }
    if (whenFull == null) {
      throw new NullPointerException("whenFull");
    }
    return new Mailbox(capacity, whenFull);
  }

  /** Whether the mailbox has a limit. */
  public boolean isBounded() {
    return whenFull != null;
  }

  /** The limit of a bounded mailbox; 0 for an unbounded one. */
  public int capacity() {
    return capacity;
  }

  /** What a sender meets when a bounded mailbox is full; {@code null} for an unbounded one. */
  public WhenFull whenFull() {
    return whenFull;
  }

  @Override
  public String toString() {
    return isBounded() ? "bounded(" + capacity + ", " + whenFull + ")" : "unbounded";
  }
}
