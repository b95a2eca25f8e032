package dev.eio.test;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Channel;
import dev.eio.Clock;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** {@link EioTest} methods that use what the kit injects. */
class EioTestParametersTest {
  @EioTest
  void envSwitchAndClockComeFromTheRun(Env env, Switch sw, Clock clock) {
    assertSame(env.clock(), clock);
    assertFalse(clock instanceof VirtualClock);
    assertEquals("test", sw.name());
    Channel<String> ch = Channel.create(0);
    sw.fork(() -> ch.send("hi"));
    assertEquals("hi", ch.receive());
  }

  @EioTest
  void otherResolversKeepTheirArguments(@TempDir Path dir, Switch sw) throws Exception {
    Files.writeString(dir.resolve("f"), "x");
    Promise<String> read = sw.forkPromise(() -> Files.readString(dir.resolve("f")));
    assertEquals("x", read.await());
  }

  @EioTest(virtualTime = true, timeout = "30s")
  void virtualTimeHandsOutTheVirtualClock(Env env, Clock clock, VirtualClock control, Switch sw) {
    assertSame(env.clock(), clock);
    assertSame(clock, control);
    Promise<String> reply =
        sw.forkPromise(
            () -> {
              clock.sleep(Duration.ofMinutes(1));
              return "ok";
            });
    control.advance(Duration.ofSeconds(59));
    assertFalse(reply.isResolved());
    control.advance(Duration.ofSeconds(1));
    assertEquals("ok", reply.peek().orElseThrow());
    assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(1)), control.now());
  }

  @EioTest(virtualTime = true)
  void aDayOfVirtualTimeTakesNoRealTime(Clock clock) {
    clock.sleep(Duration.ofDays(1));
    assertEquals(Instant.EPOCH.plus(Duration.ofDays(1)), clock.now());
  }

  @EioTest
  void aFiberEndingJustAfterTheMethodIsNoLeak(Switch sw) {
    sw.fork(() -> Thread.sleep(20)); // ends on its own, well within the grace
  }

  @EioTest(virtualTime = true)
  void aDaemonIsNoLeak(Switch sw) {
    sw.forkDaemon(() -> Promise.create().await());
  }
}
