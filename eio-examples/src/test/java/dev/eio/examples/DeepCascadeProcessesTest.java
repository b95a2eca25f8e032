package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each level of the cascade is a JVM start, one after the other, so the test keeps the depths
 * small (1, 2 and 3: six JVMs in all); {@code main} runs depths 1, 2 and 10 by default.
 */
@Timeout(120)
class DeepCascadeProcessesTest {
  @Test
  void eachLevelRunsInAProcessOfItsOwnAndTheCascadeReturnsItsDepthLeavingNoProcess() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<DeepCascadeProcesses.Outcome> outcomes = DeepCascadeProcesses.run(new int[] {0, 1, 2, 3}, out);
    long self = ProcessHandle.current().pid();
    for (DeepCascadeProcesses.Outcome o : outcomes) {
      assertEquals(o.depth(), o.result(), o.toString());
      assertEquals(o.depth() + 1, o.pids().size(), o.toString());
      assertEquals(o.depth() + 1, o.pids().stream().distinct().count(), o.toString());
      assertEquals(self, o.pids().getFirst());
      for (long pid : o.pids().subList(1, o.pids().size())) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), o.toString());
      }
    }
    assertEquals(
        List.of(
            "depth  0: returned  0, through  1 processes, none left behind",
            "depth  1: returned  1, through  2 processes, none left behind",
            "depth  2: returned  2, through  3 processes, none left behind",
            "depth  3: returned  3, through  4 processes, none left behind"),
        bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aDepthOutOfRangeIsRefusedWithItsValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DeepCascadeProcesses.main(new String[] {"51"}));
    assertEquals("depth must be between 0 and 50, got 51", e.getMessage());
  }
}
