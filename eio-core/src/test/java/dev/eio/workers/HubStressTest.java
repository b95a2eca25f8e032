package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.ChannelClosedException;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hubs whose switch is cancelled at a random point of a conversation between several parties:
 * each party sees its pongs in order with none lost or doubled until it is cancelled, the hub's
 * promise gets exactly one outcome (its count, or Cancelled), and the hub's worker never outlives
 * the switch. Each iteration starts a JVM, so the count is a tenth of {@code
 * -Deio.stress.iterations} (at least 2).
 */
@Timeout(120)
class HubStressTest {
  private static final int ITERATIONS =
      Math.max(2, Integer.getInteger("eio.stress.iterations", 60) / 10);
  private static final int PARTIES = 3;

  @Test
  void aRandomCancellationLeavesNoWorkerAndNoLostOrDoubledMessage() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int it = 0; it < ITERATIONS; it++) {
      int[] pings = new int[PARTIES];
      int total = 0;
      for (int p = 0; p < PARTIES; p++) {
        pings[p] = 1 + rnd.nextInt(30);
        total += pings[p];
      }
      // Party 0 cancels the switch after this many of its pongs; -1: nobody cancels.
      int cancelAfter = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(pings[0]);
      String where = "seed " + seed + ", iteration " + it + ", cancel after " + cancelAfter;
      AtomicLong pid = new AtomicLong();
      AtomicReference<Promise<Integer>> result = new AtomicReference<>();
      IllegalStateException stop = new IllegalStateException("stop");
      int expected = total;
      try {
        Eio.run(
            env ->
                Switch.run(
                    sw -> {
                      HubWorker<Integer, Integer, Integer> hub =
                          Workers.of(env).spawn(sw, HubStressTest::countingEcho);
                      pid.set(hub.pid());
                      result.set(hub.result());
                      List<HubConnection<Integer, Integer>> conns = new ArrayList<>();
                      conns.add(hub.connection());
                      for (int p = 1; p < PARTIES; p++) {
                        conns.add(hub.connect());
                      }
                      hub.close();
                      for (int p = 0; p < PARTIES; p++) {
                        int party = p;
                        sw.fork(
                            () -> {
                              HubConnection<Integer, Integer> c = conns.get(party);
                              for (int seq = 0; seq < pings[party]; seq++) {
                                if (party == 0 && seq == cancelAfter) {
                                  sw.fail(stop);
                                }
                                c.send(seq);
                                assertEquals(seq, c.receive(), where);
                              }
                              c.close();
                            });
                      }
                      assertEquals(expected, hub.result().await(), where);
                    }));
        assertEquals(-1, cancelAfter, where + ": the switch should have been failed");
      } catch (IllegalStateException e) {
        assertSame(stop, e, where);
        // Cancelled, or (when the cancel came late enough) the full count: one outcome.
        try {
          assertEquals(expected, result.get().await(), where);
        } catch (Cancelled expectedOutcome) {
          // the hub was cancelled
        } catch (ChannelClosedException unexpected) {
          fail(where + ": " + unexpected);
        }
      }
      long worker = pid.get();
      assertFalse(
          ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false),
          where + ": hub worker " + worker + " outlived its switch");
    }
  }

  /** Echoes every message to its sender and returns how many it echoed. */
  static int countingEcho(Hub<Integer, Integer> hub) {
    int n = 0;
    for (HubEvent<Integer> e : hub) {
      if (e instanceof HubEvent.Message<Integer>(long party, Integer seq)) {
        hub.send(party, seq);
        n++;
      }
    }
    return n;
  }
}
