package dev.eio.internal.cluster.msg;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The atomic steps on a channel's {@link ChannelState}, run by Hazelcast on the key's partition.
 * Each returns the state after the step ({@code null} once the entry is removed), except {@link
 * Close}.
 */
public final class ChannelOps {
  private ChannelOps() {}

  /**
   * Registers a handle, creating the channel when it does not exist; {@code member} says whether
   * {@code owner} is a cluster member (else a client).
   */
  // epoch: the caller's choice of epoch should the channel be created, never drawn here: Hazelcast
  // runs an entry processor again on each backup replica, and a random epoch drawn in process()
  // would differ there, so that the backup promoted on the primary's loss named another queue
  // (the channel's items then lost, seen in MemberLossStressTest).
  public record Join(String handle, UUID owner, boolean member, int capacity, String epoch)
      implements EntryProcessor<String, ChannelState, ChannelState> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public ChannelState process(Map.Entry<String, ChannelState> e) {
      ChannelState s = e.getValue() == null ? ChannelState.fresh(capacity, epoch) : e.getValue();
      if (s.capacity() != capacity) {
        return s; // the caller refuses the mismatch; nothing registered
      }
      // A handle that joins a closing channel never sends: it counts as stopped at once.
      ChannelState n = s.withHandle(handle, owner, member, s.phase() != ChannelState.Phase.OPEN);
      e.setValue(n);
      return n;
    }
  }

  /**
   * Closes ({@code failure == null}) or fails the channel; the closer has stopped sending. Returns
   * whether this step closed it.
   */
  public record Close(String handle, Throwable failure)
      implements EntryProcessor<String, ChannelState, Boolean> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<String, ChannelState> e) {
      ChannelState s = e.getValue();
      if (s == null || s.phase() != ChannelState.Phase.OPEN) {
        return false;
      }
      e.setValue(s.closing(failure, handle));
      return true;
    }
  }

  /** A handle has stopped sending after the close. */
  public record Ack(String handle) implements EntryProcessor<String, ChannelState, ChannelState> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public ChannelState process(Map.Entry<String, ChannelState> e) {
      ChannelState s = e.getValue();
      if (s == null || !s.handles().containsKey(handle)) {
        return s;
      }
      ChannelState n = s.acked(handle);
      e.setValue(n);
      return n;
    }
  }

  /**
   * Removes handles: one that was released ({@code handle}), or all those of a member that left
   * the cluster ({@code owner}). The entry goes once no handle remains of a closed channel.
   */
  public record Leave(String handle, UUID owner)
      implements EntryProcessor<String, ChannelState, ChannelState> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public ChannelState process(Map.Entry<String, ChannelState> e) {
      ChannelState s = e.getValue();
      if (s == null) {
        return null;
      }
      Set<String> gone = new HashSet<>();
      for (Map.Entry<String, UUID> h : s.handles().entrySet()) {
        if (h.getKey().equals(handle) || h.getValue().equals(owner)) {
          gone.add(h.getKey());
        }
      }
      if (gone.isEmpty()) {
        return s;
      }
      ChannelState n = s.without(gone);
      if (n.handles().isEmpty() && n.phase() != ChannelState.Phase.OPEN) {
        e.setValue(null);
        return null;
      }
      e.setValue(n);
      return n;
    }
  }
}
