package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ProcessRunnerTest {
  @Test
  void theExampleSortsParsesReportsFailuresAndLeavesNoProcessBehind() {
    List<String> report = Eio.call(ProcessRunner::demo);
    assertEquals(
        List.of(
            "sorted: [apple, fig, pear], exited with code 0",
            "sum of seq 1 10: 55",
            "failed: exited with code 3, stderr: disk on fire",
            "sleep still running after its switch: false",
            "after SIGTERM: killed by signal 15"),
        report);
  }
}
