package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** eio-core must run with nothing but itself on the class path (metrics and context optional). */
@Timeout(60)
class CoreAloneTest {

  /** A program run in a fresh JVM whose class path is eio-core's classes and this class only. */
  public static final class Program {
    public static void main(String[] args) {
      int n =
          Eio.call(
              env ->
                  Switch.call(
                      sw -> {
                        Promise<Integer> p = sw.forkPromise(() -> 41);
                        sw.fork(() -> {});
                        return Fiber.pair(p::await, () -> 1).first() + 1;
                      }));
      System.out.println("result " + n);
    }
  }

  @Test
  void coreRunsWithNothingElseOnTheClassPath(@TempDir Path isolated) throws Exception {
    Path classes = Path.of(Eio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path testClasses =
        Path.of(Program.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // Only this test's own classes from the test output, not JUnit or Micrometer.
    Path dir = isolated.resolve("dev/eio");
    Files.createDirectories(dir);
    for (String c : List.of("CoreAloneTest$Program.class")) {
      Files.copy(testClasses.resolve("dev/eio").resolve(c), dir.resolve(c));
    }
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                classes + File.pathSeparator + isolated,
                "dev.eio.CoreAloneTest$Program")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(50, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals("result 42", out.strip());
  }
}
