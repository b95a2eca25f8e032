package dev.eio.internal.cluster.msg;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.Map;
import java.util.UUID;

/** The atomic steps on a group's {@link GroupState}, run by Hazelcast on the key's partition. */
public final class GroupOps {
  private GroupOps() {}

  /** The outcome of a {@link Join}: the rank taken (or -1 and why not) and the state after. */
  public record Joined(int rank, String refusal, GroupState state) implements java.io.Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * Takes rank {@code wanted} (or the lowest free one when -1), creating the group if needed;
   * {@code member} says whether {@code owner} is a cluster member (else a client). A new group
   * takes {@code id}, chosen by the caller: Hazelcast runs the processor again on the entry's
   * backup, and an id drawn here would differ there, naming other queues once the backup is
   * promoted.
   */
  public record Join(int size, int wanted, UUID owner, boolean member, String id)
      implements EntryProcessor<String, GroupState, Joined> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Joined process(Map.Entry<String, GroupState> e) {
      GroupState s = e.getValue() == null ? GroupState.fresh(size, id) : e.getValue();
      if (s.size() != size) {
        return new Joined(-1, "it has " + s.size() + " ranks, not " + size, s);
      }
      if (s.broken() != null) {
        return new Joined(-1, "it is broken: " + s.broken(), s);
      }
      int rank = wanted >= 0 ? wanted : s.free();
      if (rank < 0) {
        return new Joined(-1, "all its " + size + " ranks are taken", s);
      }
      if (s.owners().get(rank) != null) {
        return new Joined(-1, "rank " + rank + " is taken", s);
      }
      GroupState n = s.taking(rank, owner, member);
      e.setValue(n);
      return new Joined(rank, null, n);
    }
  }

  /** A rank leaves: normally ({@code breaks} false) or breaking the group with {@code why}. */
  public record Leave(int rank, String why, boolean breaks)
      implements EntryProcessor<String, GroupState, GroupState> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public GroupState process(Map.Entry<String, GroupState> e) {
      GroupState s = e.getValue();
      if (s == null) {
        return null;
      }
      GroupState n = s.leaving(rank, why);
      if (breaks || !s.formed()) {
        n = n.breaking(rank, why); // a rank that goes before the group formed breaks it too
      }
      // Removed once every taken rank has gone: a later group of that name starts fresh.
      long taken = n.owners().stream().filter(o -> o != null).count();
      if (n.gone().size() >= taken) {
        e.setValue(null);
        return null;
      }
      e.setValue(n);
      return n;
    }
  }

  /** Breaks the group: the ranks of a member that left the cluster. */
  public record MemberGone(UUID owner) implements EntryProcessor<String, GroupState, GroupState> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public GroupState process(Map.Entry<String, GroupState> e) {
      GroupState s = e.getValue();
      if (s == null) {
        return null;
      }
      GroupState n = s;
      for (int r = 0; r < s.size(); r++) {
        if (owner.equals(s.owners().get(r)) && !s.gone().containsKey(r)) {
          String why = GroupState.lostMember(r, owner);
          n = n.leaving(r, why).breaking(r, why);
        }
      }
      if (n != s) {
        e.setValue(n);
      }
      return n;
    }
  }
}
