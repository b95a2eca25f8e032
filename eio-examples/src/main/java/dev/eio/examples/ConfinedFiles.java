package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.fs.Create;
import dev.eio.fs.Dir;
import dev.eio.fs.FileOut;
import dev.eio.fs.FsException;
import dev.eio.io.BufWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's "Files" example: a confined directory capability, whole-file and streamed I/O,
 * and escapes that are refused.
 */
public final class ConfinedFiles {
  private ConfinedFiles() {}

  /** Works in a fresh sandbox directory under {@code base} and returns what happened. */
  static List<String> demo(Env env, Path base) {
    List<String> report = new ArrayList<>();
    Dir sandbox = env.fs().openDir(base.toAbsolutePath().toString());   // confined from here on
    sandbox.mkdirs("logs/2026");
    sandbox.save("notes.txt", "first\nsecond\n", Create.EXCLUSIVE);

    // Open files belong to a switch: closed when it ends, even on failure.
    Switch.run(sw -> {
      FileOut out = sandbox.openOut(sw, "logs/2026/app.log", Create.OR_TRUNCATE);
      BufWriter w = BufWriter.of(out);
      for (int i = 1; i <= 3; i++) w.write(("event " + i + "\n").getBytes(StandardCharsets.UTF_8));
      w.flush();
    });
    int lines = sandbox.withLines("logs/2026/app.log", ls -> {
      int n = 0;
      for (String l : ls) n++;
      return n;
    });
    report.add("log lines: " + lines);
    report.add("notes: " + sandbox.loadString("notes.txt").strip().replace('\n', ','));
    sandbox.rename("notes.txt", "notes.old");                 // atomic
    report.add("entries: " + sandbox.readDir("."));

    Dir logs = sandbox.openDir("logs");                       // confined to logs/
    sandbox.symlink("logs/escape", "../../..");               // creating a link is allowed...
    for (String attempt : List.of("../notes.old", "/etc/passwd", "escape/etc/passwd")) {
      try {
        logs.load(attempt);                                   // ...following it out is not
        report.add("ESCAPED through " + attempt);
      } catch (FsException.EscapeAttempt e) {
        report.add("refused " + attempt);
      }
    }
    try {
      sandbox.load("missing.txt");
    } catch (FsException.NotFound e) {
      report.add("not found: " + e.path());
    }
    sandbox.rmtree("logs");
    report.add("after rmtree: " + sandbox.readDir("."));
    return report;
  }

  public static void main(String[] args) throws IOException {
    Path base = Files.createTempDirectory("eio-files");
    try {
      Eio.run(env -> demo(env, base).forEach(System.out::println));
    } finally {
      Eio.run(env -> env.fs().rmtree(base.toAbsolutePath().toString()));
    }
  }
}
