package dev.eio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.io.BufReader;
import dev.eio.io.BufferSink;
import dev.eio.io.Flow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnvTest {

  @Test
  void stdioCapabilitiesAreTheFlowsTheEnvWasGiven() {
    BufferSink out = Flow.bufferSink();
    BufferSink err = Flow.bufferSink();
    Env env =
        Switch.call(
            sw ->
                new Env(
                    dev.eio.internal.SystemClock.INSTANCE,
                    dev.eio.parallel.DomainManager.create(sw, 1),
                    Flow.ofString("a\nb\n"),
                    out,
                    err));
    for (String line : BufReader.of(env.stdin()).lines()) {
      env.stdout().write((line.toUpperCase() + ";").getBytes(UTF_8));
    }
    env.stderr().write("done".getBytes(UTF_8));
    assertEquals("A;B;", out.toString());
    assertEquals("done", err.toString());
  }

  @Test
  void theDefaultStdoutWritesAndFlushesSystemOut() {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, false, UTF_8));
    try {
      Eio.run(env -> env.stdout().write("to stdout".getBytes(UTF_8)));
    } finally {
      System.setOut(saved);
    }
    assertEquals("to stdout", captured.toString(UTF_8));
  }

  @Test
  void nullStdioIsRejected() {
    Switch.run(
        sw -> {
          var domains = dev.eio.parallel.DomainManager.create(sw, 1);
          var clock = dev.eio.internal.SystemClock.INSTANCE;
          assertThrows(
              NullPointerException.class,
              () -> new Env(clock, domains, null, Flow.bufferSink(), Flow.bufferSink()));
          assertThrows(NullPointerException.class, () -> new Env(null, domains));
          assertThrows(NullPointerException.class, () -> new Env(clock, null));
        });
  }
}
