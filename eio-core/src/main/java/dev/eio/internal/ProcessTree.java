package dev.eio.internal;

import dev.eio.internal.process.ProcTable;
import dev.eio.internal.process.Signals;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kills child processes and their descendants, for the process manager's switch hooks: all the
 * trees given in one pass, so that none keeps forking while another is being stopped.
 *
 * <p>The trees are frozen with {@code SIGSTOP} before anything is killed, one level at a time
 * from the children down, every tree's level together, because a process that is killed while
 * it forks leaves the new process behind: a dead parent's children are re-parented and can no
 * longer be found through it. A stopped process cannot fork, so once a level is stopped the list
 * of its children is final; and a stopped parent cannot reap its children, so none of the pids we
 * go on to signal can be reused by an unrelated process in between. Then everything is killed,
 * deepest level first, and the killed processes are awaited, so none still runs when this
 * returns. See ADR 12 and ADR 22.
 */
public final class ProcessTree {
  // A deeper tree is not frozen past this level: what is below is killed as found.
  private static final int MAX_FROZEN_LEVELS = 16;
  // A process takes a signal when it next runs, which on a busy machine can take a while; one that
  // has not stopped (or died) by then, stuck in an uninterruptible system call, is left as it is.
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  // Without a way to stop processes: rounds of listing and killing descendants, each catching
  // what descendants forked during the previous one.
  private static final int UNFROZEN_ROUNDS = 8;

  private final Signals signals;
  // Interrupts that reach the killing thread are kept for its caller: a kill is never abandoned.
  private final boolean[] interrupted = new boolean[1];

  private ProcessTree(Signals signals) {
    this.signals = signals;
  }

  /**
   * Loads and links what a kill needs, so that the first one starts stopping at once; the
   * process manager calls it when it first starts a process.
   */
  public static void prepare() {
    PREPARED.run();
  }

  private static final Runnable PREPARED = prepared();

  private static Runnable prepared() {
    Signals.prepare();
    ProcTable.isStopped(ProcessHandle.current().pid());
    return () -> {};
  }

  /** {@link #killAll(List)} of one process. */
  public static void kill(Process process) {
    killAll(List.of(process.toHandle()));
  }

  /**
   * Sends {@code SIGKILL} to every descendant of every process in {@code roots} and to those
   * processes, after stopping them all, and waits (at most about a second each for the stop and
   * the kill) until all of them are dead; a dead root may be a zombie still, which the JDK reaps.
   * Roots that have exited are only killed (a no-op). Not interruptible: an interrupt that
   * arrives meanwhile is set again on return.
   *
   * <p>The roots are killed through their {@link ProcessHandle}, which unlike {@link
   * Process#destroyForcibly} leaves their pipes open, so what a reader had not read yet is still
   * there and the reader sees end of output, not a closed stream.
   */
  public static void killAll(List<ProcessHandle> roots) {
    killAll(roots, Signals.best());
  }

  /** {@link #killAll(List)}, stopping with {@code signals} (tests use the command). */
  public static void killAll(List<ProcessHandle> roots, Signals signals) {
    new ProcessTree(signals).killTrees(roots);
  }

  private void killTrees(List<ProcessHandle> roots) {
    interrupted[0] = Thread.interrupted();
    List<Long> live = new ArrayList<>();
    for (ProcessHandle r : roots) {
      if (r.isAlive()) {
        live.add(r.pid());
      }
    }
    List<List<Long>> levels = new ArrayList<>(); // frozen descendants, children of the roots first
    try {
      if (!live.isEmpty() && !freeze(live, levels)) {
        levels.add(unfrozenDescendants(roots));
      }
    } finally {
      // Deepest first, so no killed process's children are re-parented while they still run.
      List<Long> killed = new ArrayList<>();
      for (int i = levels.size() - 1; i >= 0; i--) {
        signals.kill(levels.get(i));
        killed.addAll(levels.get(i));
      }
      // The roots through the JDK: it checks their start time and leaves their pipes open.
      for (ProcessHandle r : roots) {
        r.destroyForcibly();
        killed.add(r.pid()); // dead, not yet reaped, is enough: the JDK reaps them
      }
      ProcTable.await(killed, ProcTable::isDead, WAIT_NANOS, interrupted);
      if (interrupted[0]) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the roots and then their descendants, level by level, adding each level of stopped
   * descendants to {@code levels}. Returns false when no stop signal could be sent.
   */
  private boolean freeze(List<Long> roots, List<List<Long>> levels) {
    Set<Long> seen = new HashSet<>(roots);
    List<Long> level = roots;
    for (int depth = 0; !level.isEmpty(); depth++) {
      if (depth > 0) {
        levels.add(level); // killed by the caller whatever happens next, so none stays stopped
      }
      if (depth == MAX_FROZEN_LEVELS) {
        levels.add(descendantsOf(level));
        return true;
      }
      if (!signals.stop(level, interrupted)) {
        return false;
      }
      ProcTable.await(level, ProcTable::isStopped, WAIT_NANOS, interrupted);
      // Only children of stopped processes: their list cannot grow and their pids cannot be
      // reused.
      List<Long> next = new ArrayList<>();
      for (long pid : ProcTable.childrenOf(new HashSet<>(level))) {
        if (seen.add(pid)) {
          next.add(pid);
        }
      }
      level = next;
    }
    return true;
  }

  private static List<Long> descendantsOf(List<Long> pids) {
    Set<Long> out = new LinkedHashSet<>();
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> out.add(d.pid())));
    }
    return new ArrayList<>(out);
  }

  /** Without stop signals: rounds of listing and killing descendants, unfrozen. */
  private List<Long> unfrozenDescendants(List<ProcessHandle> roots) {
    Set<Long> killed = new LinkedHashSet<>();
    for (int round = 0; round < UNFROZEN_ROUNDS; round++) {
      // A killed descendant stays listed as a zombie until its parent reaps it: skip those.
      List<Long> fresh = new ArrayList<>();
      for (ProcessHandle r : roots) {
        r.descendants().filter(d -> !killed.contains(d.pid())).forEach(d -> fresh.add(d.pid()));
      }
      if (fresh.isEmpty()) {
        break;
      }
      signals.kill(fresh);
      killed.addAll(fresh);
    }
    return new ArrayList<>(killed);
  }
}
