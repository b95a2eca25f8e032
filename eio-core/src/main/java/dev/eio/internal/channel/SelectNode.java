package dev.eio.internal.channel;

/**
 * The node of one select clause in one channel: it shares its {@link ChannelWaiter} with the
 * select's other clauses, and names its clause so that the select knows which one happened.
 */
public final class SelectNode extends ChannelNode {
  private final ChannelWaiter waiter;
  private final int clause;

  /** A node for {@code waiter}'s clause {@code clause}, carrying {@code value} (a sender's item). */
  public SelectNode(ChannelWaiter waiter, int clause, Object value) {
    super(value);
    this.waiter = waiter;
    this.clause = clause;
  }

  @Override
  public ChannelWaiter waiter() {
    return waiter;
  }

  @Override
  public int clause() {
    return clause;
  }
}
