package dev.eio.test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.eio.Clock;
import dev.eio.Deadlock;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Each promise of {@link EioTest}, broken on purpose by a sample test class that JUnit runs here
 * (the samples are nested classes, which the build's own test run skips): the sample must fail,
 * and fail the way the kit promises.
 */
class EioTestPromisesTest {

  // ---------------------------------------------------------------- samples

  /** Runs a sample only when this class runs it, not when a build's -Dtest pattern picks it. */
  static final class OnlyHere implements ExecutionCondition {
    static final String KEY = "dev.eio.test.samples";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ec) {
      return ec.getConfigurationParameter(KEY).isPresent()
          ? ConditionEvaluationResult.enabled("run by EioTestPromisesTest")
          : ConditionEvaluationResult.disabled("a sample for EioTestPromisesTest");
    }
  }

  @ExtendWith(OnlyHere.class)
  static class LeakSample {
    @EioTest
    void leavesAFiberBehind(Switch sw) {
      sw.fork(() -> Promise.create().await());
    }
  }

  @ExtendWith(OnlyHere.class)
  static class LeakOnVirtualTimeSample {
    @EioTest(virtualTime = true)
    void leavesTwoFibersBehind(Switch sw, Clock clock) {
      sw.fork(() -> Promise.create().await());
      sw.fork(() -> clock.sleep(Duration.ofHours(1)));
    }
  }

  @ExtendWith(OnlyHere.class)
  static class JoinedSample {
    @EioTest
    void joinsWhatItForks(Switch sw) {
      Promise<Integer> p = sw.forkPromise(() -> 42);
      assertEquals(42, p.await());
    }
  }

  @ExtendWith(OnlyHere.class)
  static class TimeoutSample {
    @EioTest(timeout = "1s")
    void waitsForAFiberThatNeverEnds(Switch sw) {
      Promise<Void> never = Promise.create();
      Promise<Void> stuck = sw.forkPromise(never::await);
      stuck.await();
    }
  }

  @ExtendWith(OnlyHere.class)
  static class FailingFiberSample {
    @EioTest
    void aFiberFails(Switch sw) {
      sw.fork(
          () -> {
            throw new IllegalStateException("boom in a fiber");
          });
    }
  }

  @ExtendWith(OnlyHere.class)
  static class DeadlockSample {
    @EioTest(virtualTime = true)
    void waitsForNothing() {
      Promise.create().await();
    }
  }

  @ExtendWith(OnlyHere.class)
  static class BadTimeoutSample {
    @EioTest(timeout = "ten seconds")
    void neverRuns() {
      fail("ran despite a timeout the kit cannot read");
    }
  }

  @ExtendWith(OnlyHere.class)
  static class VirtualClockWithoutVirtualTimeSample {
    @EioTest
    void wantsVirtualClock(VirtualClock clock) {
      fail("ran with a VirtualClock on the system clock");
    }
  }

  // ---------------------------------------------------------------- checks

  @Test
  void aFiberLeftRunningFailsTheTestAndIsNamed() {
    Throwable t = onlyFailure(LeakSample.class);
    assertTrue(t.getMessage().contains("1 fiber of its switch still running"), t.getMessage());
    assertTrue(t.getMessage().contains("fiber test/1: blocked in dev.eio.Promise.await"), t.getMessage());
  }

  @Test
  void onVirtualTimeTheCheckComesOnceAllAreBlocked() {
    Throwable t = onlyFailure(LeakOnVirtualTimeSample.class);
    assertTrue(t.getMessage().contains("2 fibers of its switch still running"), t.getMessage());
    assertTrue(t.getMessage().contains("fiber test/1: blocked in dev.eio.Promise.await"), t.getMessage());
    assertTrue(t.getMessage().contains("fiber test/2: blocked in dev.eio.VirtualClock.sleep"), t.getMessage());
  }

  @Test
  void aTestThatJoinsItsFibersPasses() {
    run(JoinedSample.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }

  @Test
  void aTestOverItsLimitPrintsTheDumpAndFailsWithIt() {
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Throwable t;
    try {
      System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
      t = onlyFailure(TimeoutSample.class);
    } finally {
      System.setErr(err);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    err.print(out);
    assertTrue(out.contains("still runs after its limit of PT1S; every fiber:"), out);
    assertTrue(out.contains("switch test"), out);
    assertTrue(out.contains("fiber test/1: blocked in dev.eio.Promise.await"), out);
    assertTrue(t.getMessage().contains("still ran after its limit of PT1S"), t.getMessage());
    assertTrue(t.getMessage().contains("fiber test/1: blocked in dev.eio.Promise.await"), t.getMessage());
  }

  @Test
  void aFiberFailureFailsTheTestAsTheSameException() {
    Throwable t = onlyFailure(FailingFiberSample.class);
    assertInstanceOf(IllegalStateException.class, t);
    assertEquals("boom in a fiber", t.getMessage());
  }

  @Test
  void aDeadlockOnVirtualTimeFailsNamingTheFibers() {
    Throwable t = onlyFailure(DeadlockSample.class);
    assertInstanceOf(Deadlock.class, t);
    assertTrue(t.getMessage().contains("virtual-clock/1"), t.getMessage());
  }

  @Test
  void anUnreadableTimeoutIsAClearError() {
    Throwable t = onlyFailure(BadTimeoutSample.class);
    assertTrue(
        t.getMessage()
            .contains(
                "@EioTest(timeout = \"ten seconds\") on BadTimeoutSample.neverRuns: expected a"
                    + " positive duration"),
        t.getMessage());
  }

  @Test
  void aVirtualClockParameterNeedsVirtualTime() {
    Throwable t = onlyFailure(VirtualClockWithoutVirtualTimeSample.class);
    assertTrue(
        t.getMessage()
            .contains("parameter 1 of wantsVirtualClock is a VirtualClock, which needs @EioTest(virtualTime = true)"),
        t.getMessage());
  }

  @Test
  void durationsInShortAndIsoForm() throws Exception {
    var m = BadTimeoutSample.class.getDeclaredMethod("neverRuns");
    assertEquals(Duration.ofMillis(500), EioTestExtension.parseTimeout("500ms", m));
    assertEquals(Duration.ofSeconds(10), EioTestExtension.parseTimeout("10s", m));
    assertEquals(Duration.ofMinutes(2), EioTestExtension.parseTimeout("2m", m));
    assertEquals(Duration.ofHours(1), EioTestExtension.parseTimeout("1h", m));
    assertEquals(Duration.ofSeconds(90), EioTestExtension.parseTimeout("PT1M30S", m));
    for (String bad : List.of("0s", "-1s", "PT0S", "", "1d")) {
      assertThrows(RuntimeException.class, () -> EioTestExtension.parseTimeout(bad, m), bad);
    }
  }

  private static EngineExecutionResults run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(OnlyHere.KEY, "true")
        .selectors(selectClass(sample))
        .execute();
  }

  private static Throwable onlyFailure(Class<?> sample) {
    EngineExecutionResults r = run(sample);
    r.testEvents().assertStatistics(s -> s.started(1).failed(1));
    Event e = r.testEvents().failed().list().getFirst();
    return e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
  }
}
