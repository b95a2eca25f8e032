package dev.eio.internal.process;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Sends the stop and kill signals with which process trees are frozen and killed. The JDK sends
 * only {@code SIGTERM} and {@code SIGKILL}; {@code SIGSTOP} needs either the C library's {@code
 * kill(2)} through the foreign function API, or the {@code kill} command (a short-lived process
 * per call, a few milliseconds on a busy machine).
 *
 * <p>{@link #best()} takes the system call when the JVM lets this module call native code ({@code
 * --enable-native-access=dev.eio.core}, or {@code ALL-UNNAMED} on the class path) on Linux, where
 * {@code SIGSTOP} is 19 on the architectures listed below; otherwise the command. It never makes
 * the JDK print its warning about restricted methods: without the permission, the FFM path is not
 * tried.
 */
public abstract sealed class Signals {
  // SIGSTOP is 19 on these Linux architectures (not on alpha, mips, parisc or sparc).
  private static final Set<String> SIGSTOP_19_ARCHS =
      Set.of("amd64", "x86_64", "aarch64", "riscv64", "ppc64le", "s390x", "x86", "i386", "arm");
  private static final int LINUX_SIGSTOP = 19;
  private static final int SIGKILL = 9;
  // Pids per kill command, well under any argument-length limit.
  private static final int PIDS_PER_COMMAND = 1000;
  private static final Signals BEST =
      NativeSignals.load().map(s -> (Signals) s).orElseGet(Command::new);

  Signals() {}

  /** The system call where allowed and possible, else the {@code kill} command. */
  public static Signals best() {
    return BEST;
  }

  /** The {@code kill} command for stops (the fallback; also for tests). */
  public static Signals command() {
    return new Command();
  }

  /** Whether {@link #best()} calls {@code kill(2)} directly. */
  public static boolean isNative() {
    return BEST instanceof NativeSignals;
  }

  /**
   * Sends {@code SIGSTOP} to every pid; returns false when it could not be sent at all (no {@code
   * kill} command). A pid that has exited meanwhile is no error.
   *
   * @return whether the signals were sent; an interrupt meanwhile is reported through {@code
   *     interrupted[0]} and otherwise ignored, so a stop is never abandoned halfway
   */
  public abstract boolean stop(List<Long> pids, boolean[] interrupted);

  /** Sends {@code SIGKILL} to every pid; one that has exited meanwhile is no error. */
  public abstract void kill(List<Long> pids);

  /**
   * Readies the signalling code (class loading, the first native call's linking) ahead of the
   * first kill: at a switch's end the trees may still be forking and the machine busy, and the
   * sooner their roots are stopped the less there is to stop.
   */
  public static void prepare() {
    if (BEST instanceof NativeSignals n) {
      n.send(List.of(ProcessHandle.current().pid()), 0); // signal 0: checks the pid, sends nothing
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName();
  }

  /** {@code kill(2)} through the foreign function API. */
  private static final class NativeSignals extends Signals {
    private final MethodHandle kill;

    private NativeSignals(MethodHandle kill) {
      this.kill = kill;
    }

    static Optional<NativeSignals> load() {
      try {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")
            || !SIGSTOP_19_ARCHS.contains(arch)
            || !Signals.class.getModule().isNativeAccessEnabled()) {
          return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> symbol = linker.defaultLookup().find("kill");
        if (symbol.isEmpty()) {
          return Optional.empty();
        }
        MethodHandle h =
            linker.downcallHandle(
                symbol.get(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        return Optional.of(new NativeSignals(h));
      } catch (Throwable t) {
        // No FFM here (an older or restricted runtime): the command does the same, slower.
        return Optional.empty();
      }
    }

    private void send(List<Long> pids, int signal) {
      for (long pid : pids) {
        // pid 0 or a negative one would signal a whole process group, never meant here.
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
          continue;
        }
        try {
          int unused = (int) kill.invokeExact((int) pid, signal); // ESRCH: it exited, fine
        } catch (Throwable t) {
          throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
      }
    }

    @Override
    public boolean stop(List<Long> pids, boolean[] interrupted) {
      send(pids, LINUX_SIGSTOP);
      return true;
    }

    @Override
    public void kill(List<Long> pids) {
      send(pids, SIGKILL);
    }
  }

  /** The {@code kill} command for {@code SIGSTOP}; the JDK for {@code SIGKILL}. */
  private static final class Command extends Signals {
    @Override
    public boolean stop(List<Long> pids, boolean[] interrupted) {
      for (int from = 0; from < pids.size(); from += PIDS_PER_COMMAND) {
        List<Long> part = pids.subList(from, Math.min(pids.size(), from + PIDS_PER_COMMAND));
        if (!run(part, interrupted)) {
          return false;
        }
      }
      return true;
    }

    private static boolean run(List<Long> pids, boolean[] interrupted) {
      List<String> command = new ArrayList<>(pids.size() + 2);
      command.add("kill");
      command.add("-STOP");
      for (long pid : pids) {
        command.add(Long.toString(pid));
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
          interrupted[0] = true;
        }
      }
    }

    @Override
    public void kill(List<Long> pids) {
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
