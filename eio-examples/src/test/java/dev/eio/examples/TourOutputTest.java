package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples that predate their tests, run as a user runs them, with their output checked. */
@Timeout(30)
class TourOutputTest {

  private interface Main {
    void run(String[] args);
  }

  private static List<String> output(Main main, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void helloSwitchShowsJoinCancellationHooksAndARace() {
    List<String> lines = output(HelloSwitch::main);
    // The two greeters run concurrently: their order is not fixed.
    assertEquals("1. A switch waits for its fibers:", lines.get(0));
    // A fiber's thread is named after its switch.
    assertTrue(
        lines.subList(1, 3).containsAll(List.of("   hello from greeters", "   world from greeters")),
        lines.toString());
    assertEquals(
        List.of(
            "2. A failure cancels the sibling, and is rethrown as is:",
            "   both failed with: disk full; sibling was cancelled after the failure",
            "3. Release hooks run last-in first-out, even on failure:",
            "   closed the cache",
            "   closed the database",
            "   switch failed with: request failed",
            "4. First wins; the loser is cancelled:",
            "   slow mirror cancelled",
            "   winner: fast mirror"),
        lines.subList(3, lines.size()));
  }

  @Test
  void slowServiceTimesOutTheThirdCallAtTwoVirtualHours() {
    assertEquals(List.of("1 timeout(s) at 1970-01-01T02:00:00Z"), output(SlowService::main));
  }
}
