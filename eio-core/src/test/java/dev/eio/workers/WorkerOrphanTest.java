package dev.eio.workers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WorkerOrphanTest {
  @Test
  void killingTheParentWithKill9LeavesNoWorkerAlive() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("--enable-preview")) {
      cmd.add("--enable-preview");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(OrphanParentMain.class.getName());
    Process parent = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long workerPid;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
      String line = r.readLine();
      assertNotNull(line, "the parent printed nothing");
      assertTrue(line.startsWith("worker-pid "), line);
      workerPid = Long.parseLong(line.substring("worker-pid ".length()).trim());
      ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow();
      assertTrue(worker.isAlive());
      assertEquals(parent.pid(), worker.parent().orElseThrow().pid());

      parent.destroyForcibly(); // SIGKILL: the parent runs no clean-up at all
      assertEquals(137, parent.waitFor());
    } finally {
      parent.destroyForcibly();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(workerPid).map(h -> !h.isAlive()).orElse(true));
  }
}
