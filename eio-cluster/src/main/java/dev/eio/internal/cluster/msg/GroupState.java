package dev.eio.internal.cluster.msg;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The shared state of one rank group, one entry of the {@code eio.group} map, changed only by
 * {@link GroupOps} (atomic per key).
 *
 * @param id names this formation's queues, so a name reused later starts clean
 * @param owners per rank, the member or client that holds it ({@code null}: not taken yet)
 * @param gone ranks that left, with why
 * @param broken why the group is broken (a rank was cancelled, failed or lost its member), or
 *     null
 * @param brokenRank the rank that broke it, or -1
 * @param members the owners that are cluster members (not clients): only their loss shows in the
 *     member list
 */
public record GroupState(
    String id,
    List<UUID> owners,
    Map<Integer, String> gone,
    String broken,
    int brokenRank,
    Set<UUID> members)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  static GroupState fresh(int size, String id) {
    return new GroupState(
        id,
        Collections.nCopies(size, null),
        Map.of(),
        null,
        -1,
        Set.of());
  }

  /** The number of ranks. */
  public int size() {
    return owners.size();
  }

  /** Whether every rank is taken. */
  public boolean formed() {
    return !owners.contains(null);
  }

  /** The lowest free rank, or -1. */
  int free() {
    return owners.indexOf(null);
  }

  GroupState taking(int rank, UUID owner, boolean member) {
    List<UUID> o = new ArrayList<>(owners);
    o.set(rank, owner);
    Set<UUID> m = new HashSet<>(members);
    if (member) {
      m.add(owner);
    }
    return new GroupState(id, o, gone, broken, brokenRank, m);
  }

  GroupState leaving(int rank, String why) {
    Map<Integer, String> g = new HashMap<>(gone);
    g.putIfAbsent(rank, why);
    return new GroupState(id, owners, g, broken, brokenRank, members);
  }

  GroupState breaking(int rank, String why) {
    return broken != null ? this : new GroupState(id, owners, gone, why, rank, members);
  }

  /** Why rank {@code rank} is gone when its member {@code owner} left the cluster. */
  public static String lostMember(int rank, UUID owner) {
    return "rank " + rank + " lost its member " + owner + " (it left the cluster)";
  }

  /** The name of the queue that carries messages of {@code kind} from one rank to another. */
  public String queue(String kind, int from, int to) {
    return "eio.group." + id + "." + kind + "." + from + "." + to;
  }
}
