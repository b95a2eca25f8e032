package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A time limit on the real clock fires even when the body's fibers keep the only carrier busy.
 * Runs in a JVM of its own, with one carrier: the scheduler's parallelism is set once per JVM.
 */
@org.junit.jupiter.api.Timeout(60) // qualified: dev.eio.Timeout is an exception of ours
class SingleCarrierTimeoutTest {

  /**
   * The program the child JVM runs: two pairs of fibers pass items back and forth over channels
   * without end, so that some fiber is always ready to run.
   */
  public static final class PingPongUnderATimeout {
    public static void main(String[] args) {
      Optional<Object> r =
          Eio.call(
              env ->
                  Time.withTimeout(
                      env.clock(),
                      Duration.ofMillis(50),
                      () -> {
                        Switch.run(
                            sw -> {
                              for (int pair = 0; pair < 2; pair++) {
                                Channel<Long> there = Channel.rendezvous();
                                Channel<Long> back = Channel.rendezvous();
                                sw.fork(
                                    () -> {
                                      for (long i = 0; ; i++) {
                                        there.send(i);
                                        back.receive();
                                      }
                                    });
                                sw.fork(
                                    () -> {
                                      while (true) {
                                        back.send(there.receive());
                                      }
                                    });
                              }
                            });
                        return "the ping-pong ended";
                      }));
      System.out.println(r.isEmpty() ? "timed out" : "finished: " + r.get());
    }
  }

  @Test
  void aTimeoutFiresWhileTheBodyKeepsTheOnlyCarrierBusy() throws Exception {
    ChildJvm.Result r = ChildJvm.onOneCarrier(PingPongUnderATimeout.class);
    assertTrue(r.ended(), "the 50 ms timeout never fired in 30 s on one carrier; output: " + r.output());
    assertEquals(0, r.exitValue(), r.output());
    assertEquals("timed out", r.output().strip());
  }
}
