package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Time;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PingPongHubTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 20);

  private static PrintStream discard() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  void everyPingIsAnsweredOnceByTheWorkerItWasSentTo() {
    PingPongHub.Result r = Eio.call(env -> PingPongHub.run(3, 4, 5, discard()));
    assertEquals(60, r.pings());
    assertEquals(60, r.pongs(), "every ping answered (each pong checked by its client)");
    assertEquals(Collections.nCopies(3, 20), r.answeredByWorker(), "no ping answered twice");
    assertEquals(12, r.byesHeard(), "every client heard every worker's broadcast");
  }

  @Test
  void mainPrintsTheExchangesAndTheTotals() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      PingPongHub.main(new String[] {"2", "3", "4"});
    } finally {
      System.setOut(old);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("client 0 -> worker 1: ping 0; worker 1 -> client 0: pong 0"), out);
    assertTrue(out.contains("worker 0 answered 12 pings, then told all 3 clients so"), out);
    assertTrue(out.contains("worker 1 answered 12 pings, then told all 3 clients so"), out);
    assertTrue(out.contains("24 pings, 24 pongs, 6 broadcasts heard (3 clients x 2 workers)"), out);
  }

  @Test
  void randomHubSizesNeverLoseOrDuplicateAMessage() {
    Random rnd = new Random(7);
    for (int i = 0; i < ITERATIONS; i++) {
      int workers = 1 + rnd.nextInt(4);
      int clients = 1 + rnd.nextInt(6);
      int pings = 1 + rnd.nextInt(20);
      PingPongHub.Result r = Eio.call(env -> PingPongHub.run(workers, clients, pings, discard()));
      String what = workers + " workers, " + clients + " clients, " + pings + " pings";
      assertEquals(workers * clients * pings, r.pongs(), what);
      assertEquals(Collections.nCopies(workers, clients * pings), r.answeredByWorker(), what);
      assertEquals(workers * clients, r.byesHeard(), what);
    }
  }

  @Test
  void aTimeoutCancelsEveryWorkerAndClientBlockedOnAChannel() {
    Optional<PingPongHub.Result> r =
        Eio.call(
            env ->
                Time.withTimeout(
                    env.clock(),
                    Duration.ofMillis(50),
                    () -> PingPongHub.run(2, 2, 10_000_000, discard())));
    assertTrue(r.isEmpty(), "ten million rounds do not fit in 50 ms");
  }

  @Test
  void countsBelowOneAreRefusedWithTheirName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Eio.run(env -> PingPongHub.run(1, 0, 1, discard())));
    assertEquals("clients must be >= 1, got 0", e.getMessage());
  }
}
