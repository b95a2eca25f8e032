package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The actor examples on three member JVMs each: ping-pong (with a kill -9) and the bank. */
@Timeout(300)
class ClusterActorExamplesTest {
  @Test
  void pingPongAcrossMembersPlaysInOrderSeesThePongerStopAndAKilledMemberReportedGone() {
    System.setProperty("hazelcast.logging.type", "none");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Eio.run(env -> ClusterPingPong.play(env, 10, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String text = bytes.toString(StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    int round = 0;
    for (String line : lines) {
      if (line.startsWith("ping ")) {
        round++;
        assertTrue(line.startsWith("ping " + round + " from process "), line);
        assertTrue(line.contains("-> pong " + round + " from process "), line);
      }
    }
    assertEquals(10, round, text);
    assertTrue(text.contains("ponger stopped: Normal[]"), text);
    assertTrue(text.contains("the watch on 'spare' says: MemberGone[member=127.0.0.1:"), text);
    assertTrue(text.contains("a message to it afterwards is a dead letter: true"), text);
  }

  @Test
  void theBankAcrossMembersKeepsEveryCoin() {
    System.setProperty("hazelcast.logging.type", "none");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ClusterBank.Result[] r = new ClusterBank.Result[1];
    Eio.run(env -> {
      r[0] = ClusterBank.simulate(env, 6, 10, 7, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    });
    assertEquals(6_000, r[0].totalBefore());
    assertEquals(r[0].totalBefore(), r[0].totalAfter(), bytes.toString(StandardCharsets.UTF_8));
    assertEquals(30, r[0].transfers() + r[0].refused());
    assertTrue(r[0].transfers() > 0);
  }
}
