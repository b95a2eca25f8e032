package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ConfinedFilesTest {
  @Test
  void theExampleWorksInsideItsSandboxAndEveryEscapeIsRefused(@TempDir Path tmp) {
    List<String> report = Eio.call(env -> ConfinedFiles.demo(env, tmp));
    assertEquals(
        List.of(
            "log lines: 3",
            "notes: first,second",
            "entries: [logs, notes.old]",
            "refused ../notes.old",
            "refused /etc/passwd",
            "refused escape/etc/passwd",
            "not found: missing.txt",
            "after rmtree: [notes.old]"),
        report);
    assertTrue(Files.exists(tmp.resolve("notes.old")));
  }
}
