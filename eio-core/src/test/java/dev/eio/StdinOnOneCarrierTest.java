package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.io.BufReader;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A fiber blocked reading standard input is cancelled like any other, and holds no carrier while
 * it waits. Runs in a JVM of its own whose standard input is a pipe nobody writes to, with one
 * carrier and no room for the JDK to add one: the scheduler's limits are set once per JVM.
 */
@org.junit.jupiter.api.Timeout(600) // a hang guard only; qualified: dev.eio.Timeout is an exception of ours
class StdinOnOneCarrierTest {

  /**
   * The program the child JVM runs: a line of standard input under a time limit, while two other
   * fibers need the carrier to meet.
   */
  public static final class ReadStdinUnderATimeout {
    public static void main(String[] args) {
      Eio.run(
          env ->
              Switch.run(
                  sw -> {
                    Channel<String> meet = Channel.rendezvous();
                    sw.fork(() -> meet.send("the fibers ran"));
                    sw.fork(() -> System.out.println(meet.receive()));
                    Optional<String> line =
                        Time.withTimeout(
                            env.clock(),
                            Duration.ofMillis(200),
                            () -> BufReader.of(env.stdin()).line());
                    System.out.println(line.isPresent() ? "read a line" : "the read was cancelled");
                  }));
    }
  }

  @Test
  void aReadOfStandardInputIsCancelledAndLeavesTheOnlyCarrierToTheFibers() throws Exception {
    ChildJvm.Result r = ChildJvm.onOneCarrier(ReadStdinUnderATimeout.class);
    assertTrue(r.ended(), "still reading standard input after " + ChildJvm.HANG_LIMIT + "; output: " + r.output());
    assertEquals(0, r.exitValue(), r.output());
    assertEquals(
        java.util.Set.of("the fibers ran", "the read was cancelled"),
        java.util.Set.of(r.output().strip().split("\n")),
        r.output());
  }
}
