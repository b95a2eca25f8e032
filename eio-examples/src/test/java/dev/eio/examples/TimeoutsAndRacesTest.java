package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Clock;
import dev.eio.test.EioTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimeoutsAndRacesTest {

  private static PrintStream discard() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @EioTest(virtualTime = true)
  void everyStepEndsAtItsExactTimeAndLosersEndBeforeTheWinnerIsKnown(Clock clock) {
    Duration unit = Duration.ofHours(1);
    List<String> lines = TimeoutsAndRaces.tour(clock, unit, discard());
    assertEquals(
        List.of(
            "1. withTimeout(3 units) around the slow source (50 units):",
            "   at 3.0 units: slow source cancelled",
            "   at 3.0 units: result <timed out>",
            "2. withTimeout(3 units) around the fast source (1 unit):",
            "   at 1.0 units: fast source answered",
            "   at 1.0 units: result fast data",
            "3. withTimeoutOrThrow(3 units) around the slow source:",
            "   at 3.0 units: slow source cancelled",
            "   at 3.0 units: threw Timeout: timed out after PT3H",
            "4. Fiber.first between the slow and the fast source:",
            "   at 1.0 units: fast source answered",
            "   at 1.0 units: slow source cancelled",
            "   at 1.0 units: winner fast data",
            "5. Fiber.first between the slow source and a 3-unit timer with a fallback:",
            "   at 3.0 units: slow source cancelled",
            "   at 3.0 units: answer cached data"),
        lines);
    // 3 + 1 + 3 + 1 + 3 units: no step waited for a cancelled slow source to finish sleeping.
    assertEquals(Instant.EPOCH.plus(unit.multipliedBy(11)), clock.now());
  }

  @Test
  void mainRunsOnTheRealClockWithAShortUnit() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      // Each race is decided by a margin of 2 units (fast source 1, timer 3), which a scheduling
      // stall on a loaded machine must not exceed: with 50 ms it once failed at load average 7.
      // 200 ms keeps the run under 3 s; the exact timings are checked on the virtual clock above.
      TimeoutsAndRaces.main(new String[] {"200"});
    } finally {
      System.setOut(old);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    // Real time drifts, so only the outcomes are checked, not the stamps.
    assertTrue(out.contains("result <timed out>"), out);
    assertTrue(out.contains("result fast data"), out);
    assertTrue(out.contains("threw Timeout: timed out after PT0.6S"), out);
    assertTrue(out.contains("winner fast data"), out);
    assertTrue(out.contains("answer cached data"), out);
    assertEquals(4, out.lines().filter(l -> l.endsWith("slow source cancelled")).count(), out);
    assertFalse(out.contains("slow source answered"), out);
  }

  @Test
  void aZeroUnitIsRefusedWithItsValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimeoutsAndRaces.main(new String[] {"0"}));
    assertEquals("unit must be > 0 ms, got 0", e.getMessage());
  }
}
