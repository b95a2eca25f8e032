package dev.eio.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Channel;
import dev.eio.ChildJvm;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.io.Flow;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pipes to and from child processes that stay blocked (a child that never writes, or never reads)
 * take no carrier thread away from the fibers, however few carriers the scheduler may have. Runs
 * in a JVM of its own with one carrier and no room for the JDK to add one while a thread blocks
 * in a pipe: the scheduler's limits are set once per JVM.
 */
@org.junit.jupiter.api.Timeout(600) // a hang guard only (ChildJvm.HANG_LIMIT)
class BlockedPipesOnOneCarrierTest {

  /**
   * The program the child JVM runs: three children whose pipes block (output read through {@link
   * ChildProcess#stdout()}, output pumped into a sink, input pumped from a source larger than the
   * pipe), then two fibers that need the carrier to meet.
   */
  public static final class BlockedPipes {
    public static void main(String[] args) {
      Eio.run(
          env -> {
            ProcessManager pm = env.processes();
            Switch.run(
                sw -> {
                  List<String> sleep = List.of("sleep", "100");
                  pm.spawn(sw, sleep, SpawnOptions.defaults().stdout(Stdio.pipe()));
                  pm.spawn(sw, sleep, SpawnOptions.defaults().stdout(Stdio.to(Flow.bufferSink())));
                  pm.spawn(
                      sw,
                      sleep,
                      SpawnOptions.defaults()
                          .stdin(Stdio.from(Flow.ofString("x".repeat(1 << 20))))
                          .stdout(Stdio.discard()));
                  Channel<String> meet = Channel.rendezvous();
                  sw.fork(() -> meet.send("the fibers ran"));
                  System.out.println(meet.receive());
                });
            System.out.println("the switch finished");
          });
    }
  }

  @Test
  void childrenBlockedInTheirPipesLeaveTheOnlyCarrierToTheFibers() throws Exception {
    ChildJvm.Result r = ChildJvm.onOneCarrier(BlockedPipes.class);
    assertTrue(r.ended(), "no progress in " + ChildJvm.HANG_LIMIT + " with the children's pipes blocked; output: " + r.output());
    assertEquals(0, r.exitValue(), r.output());
    assertEquals("the fibers ran\nthe switch finished", r.output().strip());
  }
}
