package dev.eio.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * What {@code /proc} tells about processes, for freezing and killing trees: children of a set of
 * processes (one pass over the table for all of them, where the JDK's {@code descendants()} reads
 * the whole table once per call), and whether processes are stopped or dead. Without {@code /proc}
 * the JDK's handles answer instead, more slowly, and waits return at once.
 */
public final class ProcTable {
  private static final Path PROC = Path.of("/proc");
  // Fields of a stat line counted from the state (0): the parent's pid, the number of threads.
  private static final int PPID = 1;
  private static final int NUM_THREADS = 17;
  private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));

  private ProcTable() {}

  /** The pids whose parent is one of {@code parents}, zombies included. */
  public static List<Long> childrenOf(Set<Long> parents) {
    if (!HAS_PROC) {
      List<Long> out = new ArrayList<>();
      for (long p : parents) {
        ProcessHandle.of(p).ifPresent(h -> h.children().forEach(c -> out.add(c.pid())));
      }
      return out;
    }
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path d : dirs) {
        String stat = stat(d);
        if (stat == null) {
          continue;
        }
        long ppid = field(stat, PPID);
        if (parents.contains(ppid)) {
          out.add(Long.parseLong(d.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      // The table could not be listed: say nothing rather than half.
      return out;
    }
    return out;
  }

  /** Whether no thread of process {@code pid} can run any more: all stopped, or it is dead. */
  public static boolean isStopped(long pid) {
    Path dir = PROC.resolve(Long.toString(pid));
    String stat = stat(dir);
    if (stat == null || dead(state(stat))) {
      return true;
    }
    if (!stopped(state(stat))) {
      return false;
    }
    if (field(stat, NUM_THREADS) == 1) {
      return true; // the usual case: no need to list the threads
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
      for (Path task : tasks) {
        String t = stat(task);
        if (t != null && !(stopped(state(t)) || dead(state(t)))) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return true; // reaped meanwhile, or unreadable: the kill follows anyway
    }
  }

  /** Whether process {@code pid} has died: gone from the table, or a zombie. */
  public static boolean isDead(long pid) {
    String stat = stat(PROC.resolve(Long.toString(pid)));
    return stat == null || dead(state(stat));
  }

  /**
   * Waits until {@code done} holds for every pid, or {@code maxNanos} have passed; returns at once
   * without {@code /proc}. Not interruptible: an interrupt meanwhile is reported through {@code
   * interrupted[0]}.
   */
  public static void await(
      List<Long> pids, LongPredicate done, long maxNanos, boolean[] interrupted) {
    if (!HAS_PROC) {
      return;
    }
    long deadline = System.nanoTime() + maxNanos;
    long pause = TimeUnit.MICROSECONDS.toNanos(20);
    Set<Long> waiting = new HashSet<>(pids);
    while (true) {
      waiting.removeIf(done::test);
      if (waiting.isEmpty() || System.nanoTime() - deadline > 0) {
        return;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        interrupted[0] = true; // or parkNanos would return at once from now on
      }
    }
  }

  private static String stat(Path dir) {
    try {
      return new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return null; // gone while we looked
    }
  }

  // The state and later fields follow the command name, which is in parentheses and may contain
  // anything, spaces and parentheses included.
  private static char state(String stat) {
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  /** Field {@code n} after the command name, the state being 0. */
  private static long field(String stat, int n) {
    int i = stat.lastIndexOf(')') + 2;
    for (int k = 0; k < n; k++) {
      i = stat.indexOf(' ', i) + 1;
    }
    int end = stat.indexOf(' ', i);
    return Long.parseLong(stat, i, end < 0 ? stat.length() : end, 10);
  }

  private static boolean stopped(char state) {
    return state == 'T' || state == 't';
  }

  private static boolean dead(char state) {
    return state == 'Z' || state == 'X' || state == 'x';
  }
}
