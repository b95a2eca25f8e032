package dev.eio.workers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker is a separate process, and whatever runs in it (a task, a native library) can write
 * anything on the parent's reply stream and stderr. These attacks must end in a clear exception for
 * the one call, never an {@link Error} nor a hang in the parent.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileWorkerTest {
  @TempDir Path tmp;

  @Test
  void aForgedReplyClaimingAHugeArrayFailsTheCallWithCodecException() {
    CodecException e =
        forgedReply(HostilePayloads.RESULT, HostilePayloads.forgedLongArray(), CodecException.class);
    assertTrue(e.getMessage().contains("array"), e.getMessage());
  }

  @Test
  void aForgedFailureClaimingAHugeStackTraceFailsTheCallWithCodecException() {
    CodecException e =
        forgedReply(HostilePayloads.FAILURE, HostilePayloads.forgedFailure(), CodecException.class);
    assertTrue(e.getMessage().contains("corrupt failure reply"), e.getMessage());
  }

  /** What {@code Workers.run} throws when its task forges a reply frame before returning. */
  private static <X extends Throwable> X forgedReply(byte type, byte[] payload, Class<X> expected) {
    AtomicReference<X> thrown = new AtomicReference<>();
    Eio.run(
        env ->
            Switch.run(
                sw ->
                    thrown.set(
                        assertThrows(
                            expected,
                            () ->
                                Workers.of(env)
                                    .run(
                                        sw,
                                        () -> {
                                          HostilePayloads.forgeFrame(type, payload.length, payload);
                                          return "honest";
                                        })))));
    return thrown.get();
  }

  @Test
  void aForgedFrameLengthIsRefusedBeforeReadingAndTheWorkerIsReportedCrashed() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerCrashedException e =
                      assertThrows(
                          WorkerCrashedException.class,
                          () ->
                              Workers.of(env)
                                  .run(
                                      sw,
                                      () -> {
                                        // Claims 1 GiB, sends nothing, never replies.
                                        HostilePayloads.forgeFrame(
                                            HostilePayloads.RESULT, 1 << 30, new byte[0]);
                                        Thread.sleep(Long.MAX_VALUE);
                                        return "never";
                                      }));
                  assertTrue(e.getMessage().contains("frame of 1073741824 bytes"), e.getMessage());
                }));
  }

  @Test
  void aReplyOfSetsNestedSixtyDeepIsRefused() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  CodecException e =
                      assertThrows(
                          CodecException.class,
                          () -> Workers.of(env).run(sw, () -> HostilePayloads.nestedSets(60)));
                  assertTrue(e.getMessage().contains("depth"), e.getMessage());
                }));
  }

  @Test
  void cancellingTheCallerStopsItWhileItDecodesASlowReply() {
    AtomicReference<Thread> caller = new AtomicReference<>();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 1);
                  try {
                    Cancel.sub(
                        ctx ->
                            Fiber.both(
                                () -> {
                                  caller.set(Thread.currentThread());
                                  try {
                                    // 2.3 MB that take about two minutes to decode.
                                    pool.submit(() -> HostilePayloads.collidingKeys(50_000));
                                  } catch (Throwable t) {
                                    seen.set(t);
                                    throw t;
                                  }
                                },
                                () -> {
                                  // Cancel only once the reply is being decoded.
                                  await()
                                      .atMost(Duration.ofSeconds(40))
                                      .until(() -> decoding(caller.get()));
                                  ctx.cancel(new IllegalStateException("test cancels"));
                                }));
                  } catch (Cancelled expected) {
                    // the sub-context was cancelled on purpose
                  }
                }));
    assertInstanceOf(Cancelled.class, seen.get());
  }

  private static boolean decoding(Thread t) {
    if (t == null) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals("java.io.ObjectInputStream")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aWorkerFloodingStderrWithoutNewlineCannotExhaustTheParentsMemory() throws Exception {
    int mib = 128;
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("--enable-preview")) {
      cmd.add("--enable-preview");
    }
    cmd.add("-Xmx32m"); // a 128 MiB line cannot fit: the parent must not hold it
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(FloodingParentMain.class.getName());
    cmd.add(Integer.toString(mib));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process parent =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertTrue(parent.waitFor(50, TimeUnit.SECONDS), "the parent did not finish");
    } finally {
      parent.destroyForcibly();
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    long errSize = Files.size(err);
    String stderr = new String(Files.readAllBytes(err), 0, (int) Math.min(errSize, 1 << 20));
    assertEquals(0, parent.exitValue(), stderr);
    assertTrue(stdout.contains("result done"), stdout);
    assertTrue(errSize < 1 << 20, "the parent printed " + errSize + " bytes of stderr");
    assertFalse(stderr.contains("OutOfMemoryError"), stderr);
    assertTrue(stderr.matches("(?s).*\\[flooder-\\d+\\] x+.*bytes dropped.*"), stderr);
    assertTrue(stderr.matches("(?s).*\\[flooder-\\d+\\] after-the-flood\n.*"), stderr);
  }
}
