package dev.eio.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.internal.process.Signals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ends switches whose three children fork in a loop, round after round: after each, no process
 * of any tree may be left. Prints how long each end took
 * and the median (measured, not asserted). Raise the round count with {@code
 * -Deio.stress.iterations=N}.
 */
@Timeout(600) // a hang guard only
class SwitchEndStressTest {
  private static final int ROUNDS = Integer.getInteger("eio.stress.iterations", 3);

  @Test
  void everyRoundLeavesNoProcessOfAnyTree() {
    SwitchEndTest t = new SwitchEndTest();
    List<Double> ms = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      String mark = SwitchEndTest.mark();
      ms.add(t.endThreeForkingTrees(mark) / 1e6);
      assertEquals(List.of(), Procs.aliveWithArgumentPart(mark), "round " + round);
    }
    List<Double> sorted = ms.stream().sorted().toList();
    System.out.printf(
        "switch ends with three forking trees (%s signals), ms: %s; median %.1f%n",
        Signals.isNative() ? "native" : "command",
        ms.stream().map(d -> String.format("%.1f", d)).toList(),
        sorted.get(sorted.size() / 2));
  }
}
