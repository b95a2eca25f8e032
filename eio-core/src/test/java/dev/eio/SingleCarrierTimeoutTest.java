package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A time limit on the real clock fires even when the body's fibers keep the only carrier busy.
 * Runs in a JVM of its own, with one carrier: the scheduler's parallelism is set once per JVM.
 */
@org.junit.jupiter.api.Timeout(600) // a hang guard only; qualified: dev.eio.Timeout is an exception of ours
class SingleCarrierTimeoutTest {

  /** The longest limit the child tries; the attempts take at most twice that in all. */
  private static final long MAX_LIMIT_MS = 6_400;

  /**
   * The program the child JVM runs: two pairs of fibers pass items back and forth over channels
   * without end, so that some fiber is always ready to run, while the body waits for nothing.
   *
   * <p>The body ends only by its cancellation. On a loaded machine the freshly started JVM may
   * take longer than the limit just to reach the forks: the switch is cancelled by then, the forks
   * are refused (a fiber forked into a cancelled switch never runs) and the body's own wait sees
   * the cancellation, so that attempt never had a busy carrier. The program then tries again
   * with twice the limit, until the pairs were running when the time ran out. Every attempt
   * prints one line: its outcome, the rounds the pairs made and the limit.
   */
  public static final class PingPongUnderATimeout {
    public static void main(String[] args) {
      for (long limitMs = 50; ; limitMs *= 2) {
        AtomicLong rounds = new AtomicLong();
        Duration limit = Duration.ofMillis(limitMs);
        Optional<Object> r =
            Eio.call(env -> Time.withTimeout(env.clock(), limit, () -> pingPong(rounds)));
        System.out.println(
            (r.isEmpty() ? "timed out" : "finished: " + r.get())
                + " after "
                + rounds.get()
                + " rounds, limit "
                + limitMs
                + " ms");
        if (r.isPresent() || rounds.get() > 0 || limitMs >= MAX_LIMIT_MS) {
          return;
        }
      }
    }

    private static String pingPong(AtomicLong rounds) {
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
                      rounds.incrementAndGet();
                    }
                  });
              sw.fork(
                  () -> {
                    while (true) {
                      back.send(there.receive());
                    }
                  });
            }
            Channel.<Long>rendezvous().receive();
          });
      return "the ping-pong ended";
    }
  }

  private static final Pattern ATTEMPT =
      Pattern.compile("timed out after (\\d+) rounds, limit \\d+ ms");

  @Test
  void aTimeoutFiresWhileTheBodyKeepsTheOnlyCarrierBusy() throws Exception {
    ChildJvm.Result r = ChildJvm.onOneCarrier(PingPongUnderATimeout.class);
    assertTrue(r.ended(), "a timeout never fired in " + ChildJvm.HANG_LIMIT + " on one carrier; output: " + r.output());
    assertEquals(0, r.exitValue(), r.output());
    List<String> attempts = r.output().lines().toList();
    assertFalse(attempts.isEmpty(), "no output");
    long rounds = 0;
    for (String attempt : attempts) {
      Matcher m = ATTEMPT.matcher(attempt);
      assertTrue(m.matches(), "every attempt must time out; output: " + r.output());
      rounds = Long.parseLong(m.group(1));
    }
    assertTrue(
        rounds > 0,
        "the pairs never ran before a limit of up to " + MAX_LIMIT_MS + " ms: " + r.output());
  }
}
