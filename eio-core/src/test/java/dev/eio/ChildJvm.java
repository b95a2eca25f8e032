package dev.eio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test program's {@code main} in a JVM of its own, for settings a JVM reads once (the
 * virtual-thread scheduler's parallelism and pool size). The program's output goes to a file, so
 * it can still be read after a program that hung was killed.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * How the program ended.
   *
   * @param ended whether it exited within the time limit (it was killed, with its descendants,
   *     otherwise)
   * @param exitValue its exit code, or -1 when it was killed
   * @param output what it wrote to standard output and standard error
   */
  public record Result(boolean ended, int exitValue, String output) {}

  /**
   * How long a program may run before it counts as hung. Generous on purpose: the programs hang
   * for ever when the bug they test is back, while a JVM starting on a loaded machine (load 30 to
   * 80 on 2 cores) can take well over 30 s just to reach {@code main}.
   */
  public static final Duration HANG_LIMIT = Duration.ofMinutes(5);

  /**
   * Runs {@code main} for at most {@link #HANG_LIMIT} on one carrier thread, with no room for the JDK to add one
   * while a virtual thread blocks in a file or pipe: whatever holds that carrier stops every
   * fiber.
   */
  public static Result onOneCarrier(Class<?> main) throws Exception {
    return run(
        HANG_LIMIT,
        main,
        "-Djdk.virtualThreadScheduler.parallelism=1",
        "-Djdk.virtualThreadScheduler.maxPoolSize=1");
  }

  /** Runs {@code main}'s {@code main} with the test class path and {@code jvmFlags}. */
  public static Result run(Duration limit, Class<?> main, String... jvmFlags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmFlags));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    Path out = Files.createTempFile("eio-child-jvm", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try {
        boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor();
        }
        return new Result(ended, ended ? p.exitValue() : -1, Files.readString(out));
      } finally {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
