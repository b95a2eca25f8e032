package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ActorExamplesTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 5);

  @Test
  void pingPongPlaysEveryRoundInOrderAndSeesThePongerStopNormally() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String reason =
        ActorPingPong.play(20, new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    for (int i = 1; i <= 20; i++) {
      assertTrue(text.contains("ping " + i + " -> pong " + i + "\n"), text);
    }
    assertTrue(text.contains("ponger stopped: Normal[]"), text);
    assertEquals("Normal[]", reason);
  }

  @Test
  void theBankKeepsEveryCoinThroughConcurrentTransfersAndARestart() {
    for (int it = 0; it < ITERATIONS; it++) {
      BankAccounts.Result r = BankAccounts.simulate(
          6, 6, 100, it, new PrintStream(new ByteArrayOutputStream(), true,
              StandardCharsets.UTF_8));
      assertEquals(6_000, r.totalBefore());
      assertEquals(r.totalBefore(), r.totalAfter());
      assertEquals(1, r.restarts());
      assertEquals(600, r.transfers() + r.refused());
    }
  }
}
