package dev.eio.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.Time;
import dev.eio.internal.ProcessTree;
import dev.eio.internal.process.Signals;
import dev.eio.io.Flow;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks on the end of a switch that owns processes: trees that keep forking, runs cancelled
 * by a short timeout, and failures with huge command lines.
 */
@Timeout(120) // a hang guard only: how long the end takes is measured, not asserted
class SwitchEndTest {
  private final ProcessManager pm = ProcessManager.create(Flow.bufferSink());

  /**
   * A shell that forks {@code sleep <mark>} through another shell as fast as it can, {@code count}
   * times at most (a bound for the machine's sake; the kill comes long before), then waits.
   */
  static List<String> forkingLoop(String mark, int count) {
    return List.of(
        "sh",
        "-c",
        "i=0; while [ $i -lt " + count + " ]; do sh -c 'sleep " + mark + "' & i=$((i+1)); done;"
            + " wait");
  }

  static String mark() {
    return String.format("100.%06d", new Random().nextInt(1_000_000));
  }

  /** Ends a switch whose three children fork in a loop; returns how long the end took, in ns. */
  long endThreeForkingTrees(String mark) {
    AtomicLong ending = new AtomicLong();
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            pm.spawn(sw, forkingLoop(mark, 1000), SpawnOptions.defaults().stderr(Stdio.discard()));
          }
          // The scenario of the report: the switch ends 20 ms after the loops started.
          Thread.sleep(20);
          ending.set(System.nanoTime());
        });
    return System.nanoTime() - ending.get();
  }

  @Test
  void everyProcessOfEveryForkingTreeIsGoneWhenTheSwitchReturns() {
    String mark = mark();
    long took = endThreeForkingTrees(mark);
    System.out.printf("switch end with three forking trees: %.1f ms%n", took / 1e6);
    // No await: the switch's end is the promise.
    assertEquals(List.of(), Procs.aliveWithArgumentPart(mark), "processes outlived the switch");
  }

  @Test
  void theFirstReleaseHookOfASwitchKillsEveryChildOfTheSwitch() {
    // Hooks run last-registered first: this check runs after the hooks of b and c, before a's.
    // One tree per hook would leave a running until its own hook; all at once, it is dead.
    AtomicLong a = new AtomicLong();
    AtomicLong aliveAtCheck = new AtomicLong(-1);
    Switch.run(
        sw -> {
          a.set(pm.spawn(sw, List.of("sleep", "100")).pid());
          sw.onRelease(() -> aliveAtCheck.set(Procs.isRunning(a.get()) ? 1 : 0));
          pm.spawn(sw, List.of("sleep", "100"));
          pm.spawn(sw, List.of("sh", "-c", "sleep 100 & wait"));
        });
    assertEquals(0, aliveAtCheck.get(), "the first child still ran after the other hooks");
    assertTrue(Procs.gone(a.get()));
  }

  @Test
  void theKillCommandFallbackStopsEveryTreeToo() throws Exception {
    String mark = mark();
    List<ProcessHandle> roots = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      roots.add(
          new ProcessBuilder(forkingLoop(mark, 1000))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start()
              .toHandle());
    }
    Thread.sleep(20);
    ProcessTree.killAll(roots, Signals.command());
    assertEquals(List.of(), Procs.aliveWithArgumentPart(mark), "processes outlived the kill");
    for (ProcessHandle r : roots) {
      r.onExit().join(); // reaped by the JDK
    }
  }

  @Test
  void aRunCancelledByAShortTimeoutEndsAsTimedOutNeverAsAnIoError() {
    int tries = Integer.getInteger("eio.stress.iterations", 100);
    List<Throwable> spurious = new ArrayList<>();
    int[] valuesAndEmpties = new int[2];
    Eio.run(
        env -> {
          for (int i = 0; i < tries; i++) {
            try {
              Optional<String> r =
                  Time.withTimeout(
                      env.clock(),
                      Duration.ofMillis(5),
                      () -> {
                        pm.run(List.of("true"));
                        return "done";
                      });
              if (r.isPresent()) {
                valuesAndEmpties[0]++;
              } else {
                valuesAndEmpties[1]++;
              }
            } catch (UncheckedIOException e) {
              spurious.add(e);
              e.printStackTrace();
            }
          }
        });
    System.out.printf("withTimeout(5 ms, run true): %d values, %d timed out, %d I/O errors%n",
        valuesAndEmpties[0], valuesAndEmpties[1], spurious.size());
    assertEquals(List.of(), spurious.stream().map(Throwable::toString).toList());
  }

  // ------------------------------------------------------------------ huge command lines

  private static List<String> argsOf(String first, int count, int size) {
    List<String> args = new ArrayList<>();
    args.add(first);
    for (int i = 0; i < count; i++) {
      args.add("x".repeat(size));
    }
    return args;
  }

  private static void assertCapped(String message) {
    assertTrue(message.length() < 1000, "message of " + message.length() + " characters");
    assertTrue(message.contains("more characters cut"), message);
  }

  @Test
  void aFourMegabyteArgumentListTooLongToStartGivesAShortMessage() {
    // 4 MiB of arguments is over the kernel's limit: starting fails with E2BIG.
    List<String> args = argsOf("true", 64, 64 * 1024);
    var e = assertThrows(UncheckedIOException.class, () -> pm.run(args));
    assertCapped(e.getMessage());
    assertTrue(e.getMessage().contains("65 arguments in all"), e.getMessage());
  }

  @Test
  void aFailureOfAHugeCommandLineGivesAShortMessageAndTheWholeCommand() {
    // Under the kernel's limit (8 arguments of 100 KB), so it runs, and fails.
    List<String> args = argsOf("false", 8, 100_000);
    var e = assertThrows(ProcessFailedException.class, () -> pm.run(args));
    assertCapped(e.getMessage());
    assertEquals(args.getFirst().length(), e.command().getFirst().length());
    assertEquals(9, e.command().size());
  }

  @Test
  void aMissingExecutableWithAHugeNameGivesAShortMessage() {
    String name = "no-such-program-" + "y".repeat(4 << 20);
    var e = assertThrows(ExecutableNotFoundException.class, () -> pm.run(List.of(name)));
    assertCapped(e.getMessage());
    assertEquals(name, e.executable());
  }
}
