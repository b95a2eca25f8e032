package dev.eio.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.internal.process.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ends switches whose three children fork in a loop, round after round: after each, no process
 * of any tree may be left and no loop may have finished its forks. Prints how long each end took
 * and the median (measured, not asserted). Raise the round count with {@code
 * -Deio.stress.iterations=N}.
 */
@Timeout(600) // a hang guard only
class SwitchEndStressTest {
  private static final int ROUNDS = Integer.getInteger("eio.stress.iterations", 3);

  @Test
  void everyRoundLeavesNoProcessOfAnyTree(@TempDir Path tmp) throws Exception {
    SwitchEndTest t = new SwitchEndTest();
    List<Double> ms = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createDirectory(tmp.resolve("round-" + round));
      String mark = SwitchEndTest.mark();
      ms.add(t.endThreeForkingTrees(mark, dir) / 1e6);
      assertEquals(List.of(), Procs.aliveWithArgumentPart(mark), "round " + round);
      try (var done = Files.list(dir)) {
        assertEquals(List.of(), done.toList(), "round " + round + ": loops went on forking");
      }
    }
    List<Double> sorted = ms.stream().sorted().toList();
    System.out.printf(
        "switch ends with three forking trees (%s signals), ms: %s; median %.1f%n",
        Signals.isNative() ? "native" : "command",
        ms.stream().map(d -> String.format("%.1f", d)).toList(),
        sorted.get(sorted.size() / 2));
  }
}
