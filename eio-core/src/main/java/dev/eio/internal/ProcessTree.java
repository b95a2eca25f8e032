package dev.eio.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Kills a child process and its descendants, for the process manager's switch hooks.
 *
 * <p>The tree is frozen with {@code SIGSTOP} before anything is killed, one level at a time from
 * the child down, because a process that is killed while it forks leaves the new process behind:
 * a dead parent's children are re-parented and can no longer be found through it. Listing the
 * descendants takes milliseconds (the JDK reads every process of the system), so a shell killed
 * just after it started used to lose the command it forked about half of the time. A stopped
 * process cannot fork, so once a level is stopped the list of its children is final; and a
 * stopped parent cannot reap its children, so none of the pids we go on to signal can be reused
 * by an unrelated process in between. See ADR 12.
 */
public final class ProcessTree {
  // A deeper tree is not frozen past this level: what is below is killed as found.
  private static final int MAX_FROZEN_LEVELS = 16;
  // A process takes a stop signal when it next runs, which on a busy machine can take a while; one
  // that has not stopped by then (stuck in an uninterruptible system call) is killed as it is.
  private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  // Without a kill command to stop processes: rounds of listing and killing descendants, each
  // catching what descendants forked during the previous one.
  private static final int UNFROZEN_ROUNDS = 8;
  private static final Path PROC = Path.of("/proc");

  private final Process process;
  // Interrupts that reach the killing thread are kept for its caller: a kill is never abandoned.
  private boolean interrupted;

  private ProcessTree(Process process) {
    this.process = process;
  }

  /**
   * Sends {@code SIGKILL} to every descendant of {@code process} and to {@code process} itself,
   * after stopping them all. Does nothing but the final kill once {@code process} has exited. Not
   * interruptible: an interrupt that arrives meanwhile is set again on return.
   */
  public static void kill(Process process) {
    new ProcessTree(process).killTree();
  }

  private void killTree() {
    interrupted = Thread.interrupted();
    List<ProcessHandle> frozen = new ArrayList<>();
    try {
      if (process.isAlive() && !freeze(frozen)) {
        killUnfrozen();
      }
    } finally {
      for (ProcessHandle d : frozen) {
        d.destroyForcibly();
      }
      process.destroyForcibly();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the process and then its descendants, level by level, adding each stopped descendant to
   * {@code frozen}. Returns false when no stop signal could be sent (no {@code kill} command).
   */
  private boolean freeze(List<ProcessHandle> frozen) {
    ProcessHandle root = process.toHandle();
    Set<Long> stopped = new HashSet<>();
    List<ProcessHandle> level = List.of(root);
    for (int depth = 0; !level.isEmpty(); depth++) {
      if (depth == MAX_FROZEN_LEVELS) {
        root.descendants().filter(d -> !stopped.contains(d.pid())).forEach(frozen::add);
        return true;
      }
      if (depth > 0) {
        frozen.addAll(level); // killed by the caller whatever happens next, so none stays stopped
      }
      if (!stop(level)) {
        return false;
      }
      awaitStopped(level);
      for (ProcessHandle h : level) {
        stopped.add(h.pid());
      }
      // Only children of stopped processes: their list cannot grow and their pids cannot be
      // reused. Grandchildren whose parent runs still are taken with the next level.
      level =
          root.descendants()
              .filter(d -> !stopped.contains(d.pid()))
              .filter(d -> d.parent().map(p -> stopped.contains(p.pid())).orElse(false))
              .toList();
    }
    return true;
  }

  /** Sends {@code SIGSTOP} to {@code processes} through the kill command; false if it is missing. */
  private boolean stop(List<ProcessHandle> processes) {
    List<String> command = new ArrayList<>();
    command.add("kill");
    command.add("-STOP");
    for (ProcessHandle h : processes) {
      command.add(Long.toString(h.pid()));
    }
    Process k;
    try {
      k =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return false;
    }
    // Its status says nothing we act on: a process may have exited since we listed it.
    while (true) {
      try {
        k.waitFor();
        return true;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /**
   * Waits until every thread of every process in {@code processes} is stopped or dead, as {@code
   * /proc} tells; a process in the middle of a fork when the signal came stops only once the child
   * is listed. Where there is no {@code /proc}, returns at once.
   */
  private void awaitStopped(List<ProcessHandle> processes) {
    if (!Files.isDirectory(PROC)) {
      return;
    }
    long deadline = System.nanoTime() + STOP_WAIT_NANOS;
    long pause = TimeUnit.MICROSECONDS.toNanos(20);
    List<ProcessHandle> running = processes;
    while (true) {
      running = running.stream().filter(h -> !isStopped(h.pid())).toList();
      if (running.isEmpty() || System.nanoTime() - deadline > 0) {
        return;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        interrupted = true; // or parkNanos would return at once from now on
      }
    }
  }

  /** Whether no thread of process {@code pid} can run any more: all stopped, or the process dead. */
  private static boolean isStopped(long pid) {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
      for (Path task : tasks) {
        if (!isStoppedTask(task)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return true; // reaped (no such directory), or unreadable: the kill follows anyway
    }
  }

  private static boolean isStoppedTask(Path task) {
    String stat;
    try {
      stat = Files.readString(task.resolve("stat"));
    } catch (IOException e) {
      return true; // the thread ended while we looked
    }
    // The state follows the command name, which is in parentheses and may contain anything.
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == 'x';
  }

  private void killUnfrozen() {
    ProcessHandle h = process.toHandle();
    Set<Long> killed = new HashSet<>();
    for (int round = 0; round < UNFROZEN_ROUNDS && process.isAlive(); round++) {
      // A killed descendant stays listed as a zombie until its parent reaps it: skip those.
      List<ProcessHandle> fresh = h.descendants().filter(d -> !killed.contains(d.pid())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      for (ProcessHandle d : fresh) {
        d.destroyForcibly();
        killed.add(d.pid());
      }
    }
  }
}
