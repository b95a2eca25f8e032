package dev.eio.process;

import dev.eio.Switch;
import dev.eio.internal.ProcessTree;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children of each switch that its release hooks have not killed yet. The first hook of a
 * switch to run kills them all in one pass ({@link ProcessTree#killAll}), so while one tree is
 * being stopped the others cannot go on forking; the later hooks find their child dead and only
 * reap it and close its pipes.
 */
final class SwitchChildren {
  private static final Map<Switch, Set<ChildProcess>> UNKILLED = new ConcurrentHashMap<>();

  private SwitchChildren() {}

  /** Records {@code child} as owned by {@code sw}; call before registering its release hook. */
  static void add(Switch sw, ChildProcess child) {
    UNKILLED.compute(
        sw,
        (k, set) -> {
          Set<ChildProcess> s = set == null ? new LinkedHashSet<>() : set;
          s.add(child);
          return s;
        });
  }

  /**
   * Kills {@code child} and every other child of {@code sw} not killed yet, with their
   * descendants, in one pass. A no-op for {@code child} when an earlier hook killed it.
   */
  static void killWith(Switch sw, ChildProcess child) {
    List<ProcessHandle> roots = new ArrayList<>();
    UNKILLED.computeIfPresent(
        sw,
        (k, set) -> {
          if (set.contains(child)) {
            for (ChildProcess c : set) {
              roots.add(c.toHandle());
            }
            return null; // all of them are being killed: the entry goes
          }
          return set;
        });
    if (!roots.isEmpty()) {
      ProcessTree.killAll(roots);
    }
  }
}
