package dev.eio.workers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.WrappedCheckedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class WorkersTest {
  @TempDir Path tmp;

  /** State that lives in the worker JVM; the parent's copy is never touched by tasks. */
  static final class Holder {
    static volatile String value;
  }

  record Point(int x, int y) implements java.io.Serializable {}

  @Test
  void runReturnsValuesComputedInAnotherProcessAndForwardsItsOutputPrefixed() {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(saved, captured), true));
    try {
      Eio.run(
          env ->
              Switch.run(
                  sw -> {
                    Map<String, Object> got =
                        Workers.of(env)
                            .withName("hello")
                            .run(
                                sw,
                                () -> {
                                  System.out.println("hello-from-the-worker");
                                  return Map.of(
                                      "pid", ProcessHandle.current().pid(),
                                      "list", List.of(1, 2, 3),
                                      "point", new Point(3, 4),
                                      "ints", new int[] {7, 8});
                                });
                    assertNotEquals(ProcessHandle.current().pid(), got.get("pid"));
                    assertEquals(List.of(1, 2, 3), got.get("list"));
                    assertEquals(new Point(3, 4), got.get("point"));
                    assertArrayEquals(new int[] {7, 8}, (int[]) got.get("ints"));
                  }));
      await()
          .until(
              () -> {
                synchronized (captured) {
                  return captured.toString().matches("(?s).*\\[hello-\\d+\\] hello-from-the-worker.*");
                }
              });
    } finally {
      System.setErr(saved);
    }
  }

  @Test
  void taskExceptionsComeBackWithTheirClassMessageAndRemoteStackTrace() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 1);
                  IllegalStateException e =
                      assertThrows(
                          IllegalStateException.class,
                          () ->
                              pool.submit(
                                  () -> {
                                    throw new IllegalStateException("boom in the worker");
                                  }));
                  assertEquals("boom in the worker", e.getMessage());
                  assertTrue(
                      Arrays.stream(e.getStackTrace())
                          .anyMatch(f -> f.getClassName().equals("dev.eio.internal.workers.WorkerMain")),
                      "the remote stack trace is kept");
                  assertTrue(
                      Arrays.stream(e.getSuppressed())
                          .anyMatch(s -> s.getMessage().contains("rethrown in the parent")));

                  WrappedCheckedException w =
                      assertThrows(
                          WrappedCheckedException.class,
                          () ->
                              pool.submit(
                                  () -> {
                                    throw new IOException("disk gone");
                                  }));
                  assertInstanceOf(IOException.class, w.getCause());
                  assertEquals("disk gone", w.getCause().getMessage());
                  // The worker survived its tasks' exceptions.
                  assertEquals(42, pool.submit(() -> 42));
                }));
  }

  @Test
  void systemExitInTheTaskFailsTheCallWithWorkerCrashedNamingTheWorker() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerCrashedException e =
                      assertThrows(
                          WorkerCrashedException.class,
                          () ->
                              Workers.of(env)
                                  .withName("exiter")
                                  .run(
                                      sw,
                                      () -> {
                                        System.exit(42);
                                        return null;
                                      }));
                  assertEquals(42, e.exitStatus().orElseThrow());
                  assertTrue(e.worker().startsWith("exiter-"), e.worker());
                  assertTrue(e.getMessage().contains(e.worker()), e.getMessage());
                  assertTrue(e.getMessage().contains("exited with status 42"), e.getMessage());
                }));
  }

  @Test
  void aReplyOfAClassOutsideTheAllowListIsRefusedNamingTheClassUnlessRegistered() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool strict = Workers.of(env).pool(sw, 1);
                  CodecException e =
                      assertThrows(
                          CodecException.class, () -> strict.submit(() -> new AtomicInteger(5)));
                  assertEquals(
                      "java.util.concurrent.atomic.AtomicInteger", e.refusedClass().orElseThrow());
                  assertTrue(e.getMessage().contains("java.util.concurrent.atomic.AtomicInteger"));

                  WorkerPool open =
                      Workers.of(env)
                          .withCodec(SerializationCodec.defaults().allowing(AtomicInteger.class))
                          .pool(sw, 1);
                  assertEquals(5, open.submit(() -> new AtomicInteger(5)).get());
                }));
  }

  @Test
  void noWorkerOutlivesItsSwitch() {
    List<Long> pids = new ArrayList<>();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 2);
                  pids.addAll(pool.pids());
                  assertEquals(2, pids.size());
                  Fiber.both(
                      () -> pool.submit(() -> ProcessHandle.current().pid()),
                      () -> pool.submit(() -> ProcessHandle.current().pid()));
                }));
    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "worker " + pid + " is still alive");
    }
  }

  @Test
  void cancellingTheCallerInterruptsTheTaskInTheWorkerWhichKeepsServing() throws Exception {
    String marker = tmp.resolve("started").toString();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool =
                      Workers.of(env).withGracePeriod(Duration.ofSeconds(20)).pool(sw, 1);
                  long pid = pool.submit(() -> ProcessHandle.current().pid());
                  AtomicReference<Throwable> seen = new AtomicReference<>();
                  cancelWhenStarted(
                      marker,
                      () ->
                          pool.submit(
                              () -> {
                                Files.createFile(Path.of(marker));
                                Thread.sleep(60_000);
                                return "not cancelled";
                              }),
                      seen);
                  assertInstanceOf(Cancelled.class, seen.get());
                  assertEquals(pid, pool.submit(() -> ProcessHandle.current().pid()));
                }));
  }

  @Test
  void aTaskIgnoringCancellationGetsItsWorkerKilledAndReplaced() throws Exception {
    String marker = tmp.resolve("stubborn").toString();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool =
                      Workers.of(env).withGracePeriod(Duration.ofMillis(200)).pool(sw, 1);
                  long pid = pool.submit(() -> ProcessHandle.current().pid());
                  AtomicReference<Throwable> seen = new AtomicReference<>();
                  cancelWhenStarted(
                      marker,
                      () ->
                          pool.submit(
                              () -> {
                                Files.createFile(Path.of(marker));
                                while (true) {
                                  try {
                                    Thread.sleep(60_000);
                                  } catch (InterruptedException ignored) {
                                    // a task that will not stop
                                  }
                                }
                              }),
                      seen);
                  assertInstanceOf(Cancelled.class, seen.get());
                  assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                  long replacement = pool.submit(() -> ProcessHandle.current().pid());
                  assertNotEquals(pid, replacement);
                }));
  }

  @Test
  void aKilledWorkerFailsItsTaskAndIsReplacedRunningInitAgain() throws Exception {
    String marker = tmp.resolve("running").toString();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool =
                      Workers.of(env)
                          .withName("victim")
                          .pool(
                              sw,
                              1,
                              () -> {
                                Holder.value = "init in " + ProcessHandle.current().pid();
                                return null;
                              });
                  long pid = pool.submit(() -> ProcessHandle.current().pid());
                  assertEquals("init in " + pid, pool.submit(() -> Holder.value));
                  WorkerCrashedException e =
                      assertThrows(
                          WorkerCrashedException.class,
                          () ->
                              Fiber.both(
                                  () ->
                                      pool.submit(
                                          () -> {
                                            Files.createFile(Path.of(marker));
                                            Thread.sleep(60_000);
                                            return null;
                                          }),
                                  () -> {
                                    await().until(() -> Files.exists(Path.of(marker)));
                                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                                  }));
                  assertEquals(137, e.exitStatus().orElseThrow());
                  assertEquals(pid, e.pid());
                  assertTrue(e.getMessage().contains("SIGKILL"), e.getMessage());
                  assertTrue(e.getMessage().contains(e.worker()), e.getMessage());
                  long newPid = pool.submit(() -> ProcessHandle.current().pid());
                  assertNotEquals(pid, newPid);
                  assertEquals("init in " + newPid, pool.submit(() -> Holder.value));
                  assertNull(Holder.value, "tasks never touch the parent's state");
                }));
  }

  @Test
  void aWorkerOutOfMemoryFailsItsTaskNamingTheCauseAndThePoolGoesOn() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool =
                      Workers.of(env).withJvmOptions(List.of("-Xmx32m")).pool(sw, 1);
                  WorkerCrashedException e =
                      assertThrows(
                          WorkerCrashedException.class,
                          () ->
                              pool.submit(
                                  () -> {
                                    List<long[]> hog = new ArrayList<>();
                                    while (true) {
                                      hog.add(new long[1 << 16]);
                                    }
                                  }));
                  assertEquals(3, e.exitStatus().orElseThrow(), e.getMessage());
                  assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
                  // The JVM's own last words reach the report through stderr (on stdout they
                  // broke the frame stream, and the parent killed the exiting worker: status 137).
                  assertTrue(
                      e.getMessage().contains("Terminating due to java.lang.OutOfMemoryError"),
                      e.getMessage());
                  assertFalse(e.getMessage().contains("killed by its parent"), e.getMessage());
                  assertEquals(4, pool.submit(() -> 2 + 2));
                }));
  }

  @Test
  void mapKeepsSubmissionOrderAndForEachCompletedHandsOverResultsAsTheyFinish() {
    String go = tmp.resolve("go").toString();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 2);
                  List<SerializableCallable<Integer>> squares = new ArrayList<>();
                  for (int i = 0; i < 8; i++) {
                    int n = i;
                    squares.add(() -> n * n);
                  }
                  assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49), pool.map(squares));

                  // "slow" cannot finish before "fast" was handed over: the consumer releases it.
                  List<String> seen = new ArrayList<>();
                  pool.forEachCompleted(
                      List.<SerializableCallable<String>>of(
                          () -> {
                            while (!Files.exists(Path.of(go))) {
                              Thread.onSpinWait();
                            }
                            return "slow";
                          },
                          () -> "fast"),
                      v -> {
                        seen.add(v);
                        if (v.equals("fast")) {
                          try {
                            Files.createFile(Path.of(go));
                          } catch (IOException e) {
                            throw new IllegalStateException(e);
                          }
                        }
                      });
                  assertEquals(List.of("fast", "slow"), seen);
                }));
  }

  @Test
  void badArgumentsAreRefusedWithTheirName() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Workers w = Workers.of(env);
                  assertEquals(
                      "workers must be >= 1, got 0",
                      assertThrows(IllegalArgumentException.class, () -> w.pool(sw, 0))
                          .getMessage());
                  assertEquals(
                      "queueCapacity must be >= 0, got -1",
                      assertThrows(IllegalArgumentException.class, () -> w.pool(sw, 1, -1, null))
                          .getMessage());
                  assertThrows(
                      IllegalArgumentException.class,
                      () -> w.withGracePeriod(Duration.ofSeconds(-1)));
                  assertThrows(NullPointerException.class, () -> w.run(sw, null));
                }));
  }

  /** Runs {@code call}, cancelling it once the worker created {@code marker}. */
  private static void cancelWhenStarted(
      String marker, java.util.concurrent.Callable<?> call, AtomicReference<Throwable> seen) {
    try {
      Cancel.sub(
          ctx ->
              Fiber.both(
                  () -> {
                    try {
                      call.call();
                    } catch (Throwable t) {
                      seen.set(t);
                      throw t;
                    }
                  },
                  () -> {
                    await().until(() -> Files.exists(Path.of(marker)));
                    ctx.cancel(new IllegalStateException("test cancels"));
                  }));
    } catch (Cancelled expected) {
      // the sub-context was cancelled on purpose
    }
  }

  /** Writes to both streams; the capture is read under its own lock. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final ByteArrayOutputStream b;

    Tee(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      synchronized (b) {
        b.write(x);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }
  }
}
