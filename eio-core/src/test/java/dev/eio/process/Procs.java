package dev.eio.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: whether a process is gone, by the operating system's account. */
final class Procs {
  private Procs() {}

  /** Whether {@code pid} has no process, or one that is not alive, by {@link ProcessHandle}. */
  static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  /**
   * Whether {@code pid} is gone, or is a zombie that is not this JVM's child: a killed grandchild
   * is re-parented to the system's reaper, which collects it on its own schedule, and {@link
   * ProcessHandle#isAlive} counts such a dead process as alive until then.
   */
  static boolean goneOrDeadOrphan(long pid) {
    if (gone(pid)) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      char state = f[0].charAt(0);
      long ppid = Long.parseLong(f[1]);
      return state == 'Z' && ppid != ProcessHandle.current().pid();
    } catch (IOException e) {
      return true; // vanished while we looked
    }
  }

  /**
   * The pids of live processes (zombies left aside, see {@link #goneOrDeadOrphan}) that have
   * {@code argument} among their command-line arguments.
   */
  static List<Long> aliveWithArgument(String argument) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false))
        .map(ProcessHandle::pid)
        .filter(pid -> !goneOrDeadOrphan(pid))
        .toList();
  }

  /** Whether {@code pid} is a process that is neither a zombie nor stopped. */
  static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X' && state != 'T';
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The pids of live processes (zombies left aside) one of whose command-line arguments contains
   * {@code part}, read from {@code /proc} (a shell's script names what it runs).
   */
  static List<Long> aliveWithArgumentPart(String part) {
    List<Long> found = new java.util.ArrayList<>();
    try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path d : dirs) {
        try {
          String cmdline =
              Files.readString(d.resolve("cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1);
          if (!cmdline.contains(part)) {
            continue;
          }
          String stat = Files.readString(d.resolve("stat"));
          if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
            found.add(Long.parseLong(d.getFileName().toString()));
          }
        } catch (IOException e) {
          // exited while we looked
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }
}
