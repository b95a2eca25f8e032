package dev.eio.process;

/**
 * How a child process ended: it {@linkplain Exited exited} with a code, or was {@linkplain
 * Signaled killed by a signal}.
 *
 * <p><b>Mapping.</b> The JDK reports a death by signal {@code n} on Linux and macOS as the exit
 * value {@code 128 + n}, the shell's convention, and gives no other way to tell the two apart.
 * So an exit value from 129 to 192 (signals 1 to 64) is reported as {@code Signaled(value - 128)};
 * a program that calls {@code exit(130)} itself is therefore reported as {@code Signaled(2)}. Any
 * other value is {@code Exited(value)}.
 *
 * <pre>{@code
 * switch (child.await()) {
 *   case ExitStatus.Exited(int code) when code == 0 -> System.out.println("ok");
 *   case ExitStatus.Exited(int code) -> System.out.println("failed with " + code);
 *   case ExitStatus.Signaled(int signal) -> System.out.println("killed by signal " + signal);
 * }
 * }</pre>
 */
public sealed interface ExitStatus {
  /** The status the JDK's exit value stands for, by the mapping above. */
  static ExitStatus ofExitValue(int value) {
    if (value > 128 && value <= 128 + 64) {
      return new Signaled(value - 128);
    }
    return new Exited(value);
  }

  /** Whether the process exited with code 0. */
  boolean isSuccess();

  /**
   * The process called {@code exit(code)} (or returned {@code code} from {@code main}).
   *
   * @param code the exit code
   */
  record Exited(int code) implements ExitStatus {
    @Override
    public boolean isSuccess() {
      return code == 0;
    }

    @Override
    public String toString() {
      return "exited with code " + code;
    }
  }

  /**
   * The process was killed by signal {@code signal} (9 for {@code SIGKILL}, 15 for {@code
   * SIGTERM}).
   *
   * @param signal the signal number
   */
  record Signaled(int signal) implements ExitStatus {
    @Override
    public boolean isSuccess() {
      return false;
    }

    @Override
    public String toString() {
      return "killed by signal " + signal;
    }
  }
}
