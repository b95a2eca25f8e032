package dev.eio.internal.cluster.core;

import dev.eio.cluster.Cluster;
import java.util.List;

/** Test access to the block gates of in-JVM members. */
public final class GateProbe {
  private GateProbe() {}

  /** Whether every member's gate has all its slots free (no block holds or leaked one). */
  public static boolean allFree(List<Cluster> members) {
    for (Cluster m : members) {
      if (BlockGate.of(m.hazelcast()).free() != Runtime.getRuntime().availableProcessors()) {
        return false;
      }
    }
    return true;
  }

  /** Blocks waiting at the members' gates now, summed. */
  public static int waiting(List<Cluster> members) {
    int n = 0;
    for (Cluster m : members) {
      n += BlockGate.of(m.hazelcast()).waiting();
    }
    return n;
  }
}
