package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HelloWorkerTest {
  @Test
  void helloComesFromAnotherProcessAndACrashingWorkerLeavesThisOneAlive() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    HelloWorker.Result r = Eio.call(env -> HelloWorker.run(env, out));
    assertNotEquals(r.parentPid(), r.workerPid());
    assertEquals(List.of(1L, 4L, 9L, 16L, 25L, 36L), r.squares());
    assertTrue(r.crash().contains("exited with status 7"), r.crash());
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("hello from process " + r.workerPid()), text);
  }
}
