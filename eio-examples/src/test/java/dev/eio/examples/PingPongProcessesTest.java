package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PingPongProcessesTest {
  @Test
  void everyPingGetsItsPongFromItsHubsProcessAndEveryClientHearsEveryBroadcast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    // Two hubs: two JVM starts, side by side.
    PingPongProcesses.Result r = Eio.call(env -> PingPongProcesses.run(env, 2, 3, 4, out));
    assertEquals(24, r.pings());
    assertEquals(24, r.pongs());
    assertEquals(List.of(12, 12), r.answeredByHub());
    assertEquals(6, r.byesHeard());
    long self = ProcessHandle.current().pid();
    assertEquals(2, r.hubPids().stream().distinct().count());
    for (long pid : r.hubPids()) {
      assertNotEquals(self, pid);
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "hub process " + pid + " outlived the run");
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(
        "ping-pong across processes: 2 hub workers, 3 clients, 4 pings from every client to every"
            + " hub",
        lines.getFirst());
    assertTrue(
        lines.contains(
            "hub 0 (process " + r.hubPids().get(0) + ") answered 12 pings, then told all 3 clients so"),
        lines.toString());
    assertEquals("24 pings, 24 pongs, 6 broadcasts heard (3 clients x 2 hubs)", lines.getLast());
  }

  @Test
  void aCountBelowOneIsRefusedWithItsName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Eio.run(env -> PingPongProcesses.run(env, 1, 0, 1, System.out)));
    assertEquals("clients must be >= 1, got 0", e.getMessage());
  }
}
