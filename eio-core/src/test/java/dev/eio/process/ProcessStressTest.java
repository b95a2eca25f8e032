package dev.eio.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.Flow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spawns hundreds of processes (some with grandchildren) in switches that end normally, fail or
 * are cancelled at random points, and checks through {@link ProcessHandle} that no process
 * outlives its switch. Raise the round count with {@code -Deio.stress.iterations=N}; a failure
 * names the seed.
 */
// A hang guard only: the run spawns about 200 processes and took 35 s at load 17 on 2 cores, so
// any bound near that trips on a loaded machine; a hang still ends the run (like the fork timeout).
@Timeout(600)
class ProcessStressTest {
  private static final int ROUNDS = Integer.getInteger("eio.stress.iterations", 40);
  // Every grandchild sleeps for this many seconds: the fraction is unique to the run, so a
  // grandchild that escaped the kill is found by its command line even when the switch ended
  // before its shell told us its pid.
  private static final String GRANDCHILD_SLEEP =
      String.format("100.%06d", new Random().nextInt(1_000_000));
  private final ProcessManager pm = ProcessManager.create(Flow.bufferSink());

  private enum Ending {
    NORMAL,
    FAILURE,
    CANCEL
  }

  @Test
  void noProcessOutlivesItsSwitchWhateverEndsIt() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    List<Long> grandchildren = Collections.synchronizedList(new ArrayList<>());
    int spawned = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Ending ending = Ending.values()[rnd.nextInt(3)];
      int n = 3 + rnd.nextInt(5);
      List<Long> children = Collections.synchronizedList(new ArrayList<>());
      long roundSeed = rnd.nextLong();
      RuntimeException boom = new RuntimeException("boom in round " + round);
      try {
        Cancel.sub(
            ctx ->
                Switch.run(
                    sw -> {
                      Random r = new Random(roundSeed);
                      List<Promise<Void>> started = new ArrayList<>();
                      for (int i = 0; i < n; i++) {
                        Promise<Void> up = Promise.create();
                        started.add(up);
                        int kind = r.nextInt(4);
                        sw.fork(() -> child(sw, kind, ending != Ending.NORMAL, children, grandchildren, up));
                      }
                      // End at a random moment: before, while or after the children start.
                      int wait = r.nextInt(n + 1);
                      for (int i = 0; i < wait; i++) {
                        started.get(i).await();
                      }
                      switch (ending) {
                        case NORMAL -> {}
                        case FAILURE -> throw boom;
                        case CANCEL -> ctx.cancel(new Cancelled("round " + "cancelled"));
                      }
                    }));
        // A cancellation that found every fiber already done is not reported: also fine.
        assertNotEquals(Ending.FAILURE, ending, "round " + round + " did not fail (seed " + seed + ")");
      } catch (Cancelled e) {
        assertEquals(Ending.CANCEL, ending, "round " + round + " cancelled (seed " + seed + ")");
      } catch (RuntimeException e) {
        assertSame(boom, e, "round " + round + " failed otherwise (seed " + seed + ")");
      }
      spawned += children.size();
      // Children are ours: the switch reaped them before returning.
      for (long pid : children) {
        assertTrue(
            Procs.gone(pid),
            "child " + pid + " outlived its switch in round " + round + " (seed " + seed + ")");
      }
    }
    assertTrue(spawned > 0, "no process was spawned (seed " + seed + ")");
    // Grandchildren are re-parented when killed; the system reaps them on its own schedule. Those
    // whose pid we never read are found by their command line.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<Long> alive;
              synchronized (grandchildren) {
                alive = grandchildren.stream().filter(p -> !Procs.goneOrDeadOrphan(p)).toList();
              }
              assertEquals(List.of(), alive, "grandchildren still alive (seed " + seed + ")");
              assertEquals(
                  List.of(),
                  Procs.aliveWithArgument(GRANDCHILD_SLEEP),
                  "grandchildren whose pid we never read still alive (seed " + seed + ")");
            });
  }

  /**
   * One child of a random kind; records its pid (and its child's) before signalling start. Long
   * running ones are left running (killed when the switch ends) or awaited until cancelled.
   */
  private void child(
      Switch sw,
      int kind,
      boolean awaitLongOnes,
      List<Long> children,
      List<Long> grandchildren,
      Promise<Void> up) {
    try {
      switch (kind) {
        case 0 -> {
          ChildProcess p = pm.spawn(sw, List.of("sleep", "100"));
          children.add(p.pid());
          up.resolve(null);
          if (awaitLongOnes) {
            p.await(); // until cancelled
          }
        }
        case 1 -> {
          ChildProcess p =
              pm.spawn(
                  sw,
                  List.of("sh", "-c", "sleep " + GRANDCHILD_SLEEP + " & echo $!; wait"),
                  SpawnOptions.defaults().stdout(Stdio.pipe()));
          children.add(p.pid());
          String line = BufReader.of(p.stdout()).line();
          grandchildren.add(Long.parseLong(line));
          up.resolve(null);
          if (awaitLongOnes) {
            p.await(); // until cancelled
          }
        }
        case 2 -> {
          ChildProcess p = pm.spawn(sw, List.of("true"));
          children.add(p.pid());
          up.resolve(null);
          assertTrue(p.await().isSuccess());
        }
        default -> {
          ChildProcess p =
              pm.spawn(
                  sw,
                  List.of("cat"),
                  SpawnOptions.defaults()
                      .stdin(Stdio.from(Flow.ofString("x\n".repeat(1000))))
                      .stdout(Stdio.pipe()));
          children.add(p.pid());
          up.resolve(null);
          BufReader.of(p.stdout()).takeAll();
          p.await();
        }
      }
    } finally {
      up.tryResolve(null);
    }
  }
}
