package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eio.ChildJvm;
import dev.eio.Eio;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker starts whichever way its application was launched: a tiny application, compiled here
 * as the named module {@code app}, runs a task on a worker JVM from the class path ({@code java
 * -cp ... app.Main}) and from the module path ({@code java -p ... -m app/app.Main}). The task
 * answers with the module its own class is in, so the module-path run also shows the worker
 * loaded the application as a module.
 */
class WorkerLaunchTest {
  private static final String MODULE_INFO = "module app { requires dev.eio.core; }\n";
  private static final String MAIN =
      """
      package app;

      import dev.eio.Eio;
      import dev.eio.Switch;
      import dev.eio.workers.SerializableCallable;
      import dev.eio.workers.Workers;

      public class Main {
        public static void main(String[] args) {
          Eio.run(env -> Switch.run(sw -> {
            SerializableCallable<String> where = () -> {
              Module m = Main.class.getModule();
              return (m.isNamed() ? m.getName() : "unnamed") + " in " + ProcessHandle.current().pid();
            };
            String got = Workers.of(env).run(sw, where);
            long self = ProcessHandle.current().pid();
            System.out.println("task ran in module " + got.split(" in ")[0]
                + (Long.parseLong(got.split(" in ")[1]) != self ? " on another JVM" : " HERE"));
          }));
        }
      }
      """;

  @TempDir static Path dir;
  private static Path eioClasses;
  private static Path appClasses;

  @BeforeAll
  static void compileApp() throws Exception {
    eioClasses = Path.of(Eio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("app/Main.java"), MAIN);
    appClasses = dir.resolve("app-classes");
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    int status =
        javac.run(
            System.out,
            System.err,
            "--module-path",
            eioClasses.toString(),
            "-d",
            appClasses.toString(),
            src.resolve("module-info.java").toString(),
            src.resolve("app/Main.java").toString());
    assertEquals(0, status, "javac of the test application");
  }

  @Test
  void workerOfAnApplicationOnTheClassPath() throws Exception {
    String cp = appClasses + File.pathSeparator + eioClasses;
    String out = launch("-cp", cp, "app.Main");
    assertTrue(out.contains("task ran in module unnamed on another JVM"), out);
  }

  @Test
  void workerOfAnApplicationOnTheModulePath() throws Exception {
    String mp = appClasses + File.pathSeparator + eioClasses;
    String out = launch("-p", mp, "-m", "app/app.Main");
    assertTrue(out.contains("task ran in module app on another JVM"), out);
  }

  private static String launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "app", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      boolean ended = p.waitFor(ChildJvm.HANG_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      String text = Files.readString(out);
      assertTrue(ended, "the application hung:\n" + text);
      assertEquals(0, p.exitValue(), text);
      return text;
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
