package dev.eio.internal.cluster.msg;

import java.io.Serial;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The shared state of one distributed channel, one entry of the {@code eio.channel} map, changed
 * only by the entry processors of {@link ChannelOps} (atomic per key, no CP subsystem needed).
 *
 * @param epoch names this incarnation's queue: a name reused after its channel was removed gets a
 *     fresh queue
 * @param capacity the queue's bound, {@link Integer#MAX_VALUE} when unbounded
 * @param phase OPEN, then CLOSING (close asked, waiting for every handle to stop sending), SEALED
 *     (no item can enter any more), or FAILED
 * @param cause the failure, for FAILED
 * @param handles the open handles, by handle id, with the member or client that holds each
 * @param acked the handles that stopped sending since the close
 * @param members the owners that are cluster members (not clients): only their loss shows in the
 *     member list
 */
public record ChannelState(
    String epoch,
    int capacity,
    Phase phase,
    Throwable cause,
    Map<String, UUID> handles,
    Set<String> acked,
    Set<UUID> members)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** The life of a channel; the order is the order of the phases. */
  public enum Phase {
    OPEN,
    CLOSING,
    SEALED,
    FAILED
  }

  /** A new, open channel with no handles yet. */
  public static ChannelState fresh(int capacity, String epoch) {
    return new ChannelState(epoch, capacity, Phase.OPEN, null, Map.of(),
        Set.of(), Set.of());
  }

  /** The name of this incarnation's queue; queue configs match it by the capacity prefix. */
  public String queueName(String channel) {
    return queuePrefix(capacity) + channel + "." + epoch;
  }

  /** The wildcard-free prefix of the queue names of channels of {@code capacity}. */
  public static String queuePrefix(int capacity) {
    return "eio.channel." + capacity + ".";
  }

  ChannelState withHandle(String id, UUID owner, boolean member, boolean stoppedSending) {
    Map<String, UUID> h = new HashMap<>(handles);
    h.put(id, owner);
    Set<String> a = new HashSet<>(acked);
    if (stoppedSending) {
      a.add(id);
    }
    Set<UUID> m = new HashSet<>(members);
    if (member) {
      m.add(owner);
    }
    return new ChannelState(epoch, capacity, phase, cause, h, a, m).settled();
  }

  ChannelState without(Set<String> ids) {
    Map<String, UUID> h = new HashMap<>(handles);
    h.keySet().removeAll(ids);
    Set<String> a = new HashSet<>(acked);
    a.removeAll(ids);
    Set<UUID> m = new HashSet<>(members);
    m.retainAll(h.values());
    return new ChannelState(epoch, capacity, phase, cause, h, a, m).settled();
  }

  ChannelState closing(Throwable failure, String closer) {
    Set<String> a = new HashSet<>(acked);
    a.add(closer);
    Phase p = failure == null ? Phase.CLOSING : Phase.FAILED;
    return new ChannelState(epoch, capacity, p, failure, handles, a, members).settled();
  }

  ChannelState acked(String id) {
    Set<String> a = new HashSet<>(acked);
    a.add(id);
    return new ChannelState(epoch, capacity, phase, cause, handles, a, members).settled();
  }

  /** CLOSING becomes SEALED once every open handle stopped sending. */
  private ChannelState settled() {
    if (phase == Phase.CLOSING && acked.containsAll(handles.keySet())) {
      return new ChannelState(epoch, capacity, Phase.SEALED, null, handles, acked, members);
    }
    return this;
  }

  /** The later of two views of the same channel (phases only move forward). */
  public static ChannelState later(ChannelState a, ChannelState b) {
    if (a == null || b == null || !a.epoch.equals(b.epoch)) {
      return a == null ? b : a;
    }
    return b.phase.ordinal() >= a.phase.ordinal() ? b : a;
  }
}
