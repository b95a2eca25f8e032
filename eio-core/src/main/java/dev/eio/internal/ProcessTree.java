package dev.eio.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Kills a child process and its descendants, for the process manager's switch hooks. */
public final class ProcessTree {
  // Each round catches processes forked by descendants that were still running in the previous
  // round; a descendant that keeps forking faster than we kill is given up on after this many.
  private static final int ROUNDS = 8;

  private ProcessTree() {}

  /**
   * Sends {@code SIGKILL} to every descendant of {@code process} and then to {@code process}
   * itself. Descendants go first: once the parent is dead they are re-parented and can no longer
   * be found through it. Best effort for a process forked in the instant of the kill, see ADR 12.
   */
  public static void kill(Process process) {
    ProcessHandle h = process.toHandle();
    Set<Long> killed = new HashSet<>();
    for (int round = 0; round < ROUNDS && process.isAlive(); round++) {
      // A killed descendant stays listed as a zombie until its parent reaps it: skip those.
      List<ProcessHandle> fresh =
          h.descendants().filter(d -> !killed.contains(d.pid())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      for (ProcessHandle d : fresh) {
        d.destroyForcibly();
        killed.add(d.pid());
      }
    }
    process.destroyForcibly();
  }
}
