package dev.eio.internal.cluster.msg;

import java.io.Serial;
import java.io.Serializable;
import java.util.UUID;

/** What a cluster hub's queues carry: to the hub (connect, message, leave) and to one party. */
public final class HubWire {
  private HubWire() {}

  /**
   * Where a hub is served: the id naming its queues and the member or client serving it ({@code
   * member}: whether that is a cluster member, whose loss shows in the member list).
   */
  public record Served(String id, UUID owner, boolean member) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    /** The hub's inbound queue. */
    public String inbound() {
      return "eio.hub." + id + ".in";
    }

    /** The queue of what the hub sends to {@code party}. */
    public String outbound(long party) {
      return "eio.hub." + id + ".out." + party;
    }
  }

  /** A party connected from {@code owner} ({@code member}: a cluster member, not a client). */
  public record Connect(long party, UUID owner, boolean member) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** A party's message. */
  public record Message(long party, Object value) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** A party left, was disconnected by the hub, or was lost with its member. */
  public record Leave(long party) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** To a party: a message from the hub. */
  public record Out(Object value) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** To a party: the hub disconnected it or ended. */
  public record End() implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }
}
