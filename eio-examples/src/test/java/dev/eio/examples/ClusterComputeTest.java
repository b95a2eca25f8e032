package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(240)
class ClusterComputeTest {
  @Test
  void threeMemberJvmsCountThePrimesExactlyEvenWhenOneIsKilledMidRun() {
    System.setProperty("hazelcast.logging.type", "none");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<ClusterCompute.Row> rows = Eio.call(env -> ClusterCompute.run(env, 3, 2_000_000, true, out));
    assertEquals(148933, rows.get(0).primes()); // pi(2,000,000)
    assertEquals(rows.get(0).primes(), rows.get(1).primes());
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("killed member"), text);
    assertTrue(text.contains("3 member JVMs"), text);
  }
}
