package dev.eio.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.BufferSink;
import dev.eio.io.Flow;
import dev.eio.io.Sink;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// A hang guard only: aShellKilledRightAfterItStartsLeavesNoneOfWhatItForked alone spawns 30
// shells and took 13 s at load 17 on 2 cores; a bound near that trips on a loaded machine.
@Timeout(600)
class ProcessManagerTest {
  private final BufferSink managerStderr = Flow.bufferSink();
  private final ProcessManager pm = ProcessManager.create(managerStderr);

  private static SpawnOptions piped() {
    return SpawnOptions.defaults().stdin(Stdio.pipe()).stdout(Stdio.pipe());
  }

  private static String readAll(dev.eio.io.Source s) {
    return new String(BufReader.of(s, 1 << 20).takeAll(), UTF_8);
  }

  // ------------------------------------------------------------------ exit status

  @Test
  void awaitReportsTheExitCode() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("sh", "-c", "exit 3"));
          assertEquals(new ExitStatus.Exited(3), p.await());
          assertEquals(new ExitStatus.Exited(3), p.exitStatus().orElseThrow());
          assertFalse(p.await().isSuccess());
        });
  }

  @Test
  void deathBySignalIsReportedAsSignaled() {
    Switch.run(
        sw -> {
          ChildProcess term = pm.spawn(sw, List.of("sleep", "100"));
          assertTrue(term.signal(15));
          assertEquals(new ExitStatus.Signaled(15), term.await());
          ChildProcess killed = pm.spawn(sw, List.of("sleep", "100"));
          killed.kill();
          assertEquals(new ExitStatus.Signaled(9), killed.await());
        });
  }

  @Test
  void otherSignalsAreDeliveredThroughTheKillCommand() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("sleep", "100"));
          assertTrue(p.signal(10)); // SIGUSR1: its default action ends the process
          assertEquals(new ExitStatus.Signaled(10), p.await());
        });
  }

  @Test
  void signalAndKillAreHarmlessAfterExit() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("true"));
          assertEquals(new ExitStatus.Exited(0), p.await());
          assertFalse(p.signal(15));
          assertFalse(p.signal(10));
          p.kill();
          assertEquals(new ExitStatus.Exited(0), p.await());
        });
  }

  @Test
  void exitValuesMapToStatusesAsDocumented() {
    assertEquals(new ExitStatus.Exited(0), ExitStatus.ofExitValue(0));
    assertEquals(new ExitStatus.Exited(128), ExitStatus.ofExitValue(128));
    assertEquals(new ExitStatus.Signaled(1), ExitStatus.ofExitValue(129));
    assertEquals(new ExitStatus.Signaled(64), ExitStatus.ofExitValue(192));
    assertEquals(new ExitStatus.Exited(193), ExitStatus.ofExitValue(193));
    assertEquals("killed by signal 9", ExitStatus.ofExitValue(137).toString());
  }

  @Test
  void aSignalOutOfRangeIsRejectedNamingIt() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("true"));
          var e = assertThrows(IllegalArgumentException.class, () -> p.signal(0));
          assertTrue(e.getMessage().contains("signal must be between 1 and 64, got 0"));
        });
  }

  // ------------------------------------------------------------------ executable lookup

  @Test
  void aMissingExecutableIsAClearErrorNamingIt() {
    Switch.run(
        sw -> {
          var e =
              assertThrows(
                  ExecutableNotFoundException.class,
                  () -> pm.spawn(sw, List.of("no-such-program-eio")));
          assertEquals("no-such-program-eio", e.executable());
          assertTrue(e.getMessage().contains("no-such-program-eio"), e.getMessage());
          assertTrue(e.getMessage().contains("PATH"), e.getMessage());
          var rel =
              assertThrows(
                  ExecutableNotFoundException.class, () -> pm.spawn(sw, List.of("./nope-eio")));
          assertTrue(rel.getMessage().contains("./nope-eio"), rel.getMessage());
        });
    assertThrows(
        ExecutableNotFoundException.class, () -> pm.run(List.of("no-such-program-eio", "x")));
  }

  @Test
  void pathIsSearchedOnlyWhenTheNameHasNoSlash(@TempDir Path tmp) throws Exception {
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Path script = bin.resolve("hello-eio");
    Files.writeString(script, "#!/bin/sh\necho hi from script\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = bin + ":" + System.getenv("PATH");
    // On the child's PATH: found by its bare name.
    assertEquals(
        "hi from script",
        pm.parseOut(
            BufReader::line, List.of("hello-eio"), SpawnOptions.defaults().env("PATH", path)));
    // With a slash: taken relative to the working directory, PATH not consulted.
    assertEquals(
        "hi from script",
        pm.parseOut(
            BufReader::line, List.of("./hello-eio"), SpawnOptions.defaults().directory(bin)));
    assertThrows(
        ExecutableNotFoundException.class,
        () ->
            pm.run(
                List.of("bin/hello-eio"),
                SpawnOptions.defaults().env("PATH", path).directory(bin)));
    // Not on PATH and no slash: not found, even in the working directory.
    assertThrows(
        ExecutableNotFoundException.class,
        () -> pm.run(List.of("hello-eio"), SpawnOptions.defaults().directory(bin)));
  }

  // ------------------------------------------------------------------ options and pipes

  @Test
  void workingDirectoryAndEnvironmentReachTheChild(@TempDir Path tmp) throws Exception {
    String real = tmp.toRealPath().toString();
    List<String> lines =
        pm.parseOut(
            r -> {
              List<String> out = new ArrayList<>();
              r.lines().forEach(out::add);
              return out;
            },
            List.of("sh", "-c", "pwd; echo \"$EIO_TEST_VAR\"; echo \"${HOME:-unset}\""),
            SpawnOptions.defaults()
                .directory(tmp)
                .environment(java.util.Map.of("PATH", System.getenv("PATH")))
                .env("EIO_TEST_VAR", "forty two"));
    assertEquals(List.of(real, "forty two", "unset"), lines);
  }

  @Test
  void aDirCapabilityCanBeTheWorkingDirectory(@TempDir Path tmp) throws Exception {
    Files.createDirectory(tmp.resolve("work"));
    dev.eio.fs.Dir work = dev.eio.fs.Dir.of(tmp).openDir("work");
    assertEquals(
        tmp.resolve("work").toRealPath().toString(),
        pm.parseOut(BufReader::line, List.of("pwd"), SpawnOptions.defaults().directory(work)));
  }

  @Test
  void pipesCarryBytesBothWays() {
    Switch.run(
        sw -> {
          ChildProcess tr = pm.spawn(sw, List.of("tr", "a-z", "A-Z"), piped());
          tr.stdin().write("hello\nworld\n".getBytes(UTF_8));
          tr.closeStdin();
          assertEquals("HELLO\nWORLD\n", readAll(tr.stdout()));
          assertTrue(tr.await().isSuccess());
        });
  }

  @Test
  void sourceAndSinkArePumpedAndAwaitSeesAllOutput() {
    BufferSink out = Flow.bufferSink();
    BufferSink err = Flow.bufferSink();
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      input.append("line ").append(i).append('\n');
    }
    Switch.run(
        sw -> {
          ChildProcess p =
              pm.spawn(
                  sw,
                  List.of("sh", "-c", "cat; echo done >&2"),
                  SpawnOptions.defaults()
                      .stdin(Stdio.from(Flow.ofString(input.toString())))
                      .stdout(Stdio.to(out))
                      .stderr(Stdio.to(err)));
          assertTrue(p.await().isSuccess());
          // await returned: the pumps have copied everything.
          assertEquals(input.toString(), out.toString());
          assertEquals("done\n", err.toString());
        });
  }

  @Test
  void aCancelledPipeReadConsumesNothingAndTheNextReadGetsEverything() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("sh", "-c", "read x; echo \"got $x\""), piped());
          Cancel.sub(
              ctx -> {
                sw.fork(() -> ctx.cancel(new Cancelled("enough")));
                // Blocks: the child prints only after reading a line. Cancellation wakes us.
                assertThrows(Cancelled.class, () -> p.stdout().read(ByteBuffer.allocate(64)));
              });
          p.stdin().write("ping\n".getBytes(UTF_8));
          assertEquals("got ping\n", readAll(p.stdout()));
          assertEquals(new ExitStatus.Exited(0), p.await());
        });
  }

  @Test
  void aCancelledWriteToAFullPipeReturnsAndTheProcessIsStillKilledAtTheEnd() {
    AtomicLong pid = new AtomicLong();
    Switch.run(
        sw -> {
          // sleep never reads its input: the pipe and our queue fill up.
          ChildProcess p =
              pm.spawn(sw, List.of("sleep", "100"), SpawnOptions.defaults().stdin(Stdio.pipe()));
          pid.set(p.pid());
          Cancel.sub(
              ctx -> {
                sw.fork(() -> ctx.cancel(new Cancelled("enough")));
                byte[] lots = new byte[64 * 1024];
                assertThrows(
                    Cancelled.class,
                    () -> {
                      while (true) {
                        p.stdin().write(lots);
                      }
                    });
              });
        });
    assertTrue(Procs.gone(pid.get()));
  }

  @Test
  void aChildThatStopsReadingItsInputEarlyIsNotAFailure() {
    BufferSink out = Flow.bufferSink();
    Switch.run(
        sw -> {
          ChildProcess p =
              pm.spawn(
                  sw,
                  List.of("head", "-n", "1"),
                  SpawnOptions.defaults()
                      .stdin(Stdio.from(Flow.ofString("first\n" + "more\n".repeat(100_000))))
                      .stdout(Stdio.to(out)));
          assertEquals(new ExitStatus.Exited(0), p.await());
        });
    assertEquals("first\n", out.toString());
  }

  @Test
  void aPipeNotAskedForIsAClearError() {
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("true"));
          var e = assertThrows(IllegalStateException.class, p::stdout);
          assertTrue(e.getMessage().contains("stdout"), e.getMessage());
          assertThrows(IllegalStateException.class, p::stdin);
          assertThrows(IllegalStateException.class, p::stderr);
        });
  }

  @Test
  void badArgumentsAreRejectedNamingThem(@TempDir Path tmp) {
    var empty = assertThrows(IllegalArgumentException.class, () -> pm.run(List.of()));
    assertTrue(empty.getMessage().contains("args"), empty.getMessage());
    var in =
        assertThrows(
            IllegalArgumentException.class,
            () -> SpawnOptions.defaults().stdin(Stdio.to(Flow.bufferSink())));
    assertTrue(in.getMessage().startsWith("stdin must be"), in.getMessage());
    var out =
        assertThrows(
            IllegalArgumentException.class,
            () -> SpawnOptions.defaults().stdout(Stdio.from(Flow.ofString(""))));
    assertTrue(out.getMessage().startsWith("stdout must be"), out.getMessage());
    var name =
        assertThrows(IllegalArgumentException.class, () -> SpawnOptions.defaults().env("A=B", "c"));
    assertTrue(name.getMessage().contains("A=B"), name.getMessage());
    var dir =
        assertThrows(
            IllegalArgumentException.class,
            () -> pm.run(List.of("true"), SpawnOptions.defaults().directory(tmp.resolve("none"))));
    assertTrue(dir.getMessage().contains("none"), dir.getMessage());
  }

  // ------------------------------------------------------------------ run and parseOut

  @Test
  void runFailsWithTheCommandTheStatusAndTheTailOfStderr() {
    var e =
        assertThrows(
            ProcessFailedException.class,
            () -> pm.run(List.of("sh", "-c", "echo first >&2; echo 'it broke' >&2; exit 4")));
    assertEquals(new ExitStatus.Exited(4), e.status());
    assertEquals(List.of("sh", "-c", "echo first >&2; echo 'it broke' >&2; exit 4"), e.command());
    assertEquals("first\nit broke\n", e.stderrTail());
    assertTrue(e.getMessage().contains("exited with code 4"), e.getMessage());
    assertTrue(e.getMessage().contains("it broke"), e.getMessage());
    // The manager's stderr got the child's stderr as well.
    assertEquals("first\nit broke\n", managerStderr.toString());
  }

  @Test
  void theStderrTailKeepsTheLastBytesOnly() {
    var e =
        assertThrows(
            ProcessFailedException.class,
            () ->
                pm.run(
                    List.of("sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line$i >&2; i=$((i+1)); done; exit 1"),
                    SpawnOptions.defaults().stderr(Stdio.discard())));
    assertEquals(TailSink.TAIL, e.stderrTail().length());
    assertTrue(e.stderrTail().endsWith("line1999\n"), e.stderrTail());
    assertEquals("", managerStderr.toString());
  }

  @Test
  void runSucceedsQuietlyOnExitCodeZero() {
    pm.run(List.of("sh", "-c", "echo fine >&2"));
    assertEquals("fine\n", managerStderr.toString());
  }

  @Test
  void parseOutParsesStdoutWithABufReaderParser() {
    int sum =
        pm.parseOut(
            r -> {
              int s = 0;
              for (String line : r.lines()) {
                s += Integer.parseInt(line);
              }
              return s;
            },
            List.of("sh", "-c", "printf '1\\n2\\n39\\n'"));
    assertEquals(42, sum);
  }

  @Test
  void parseOutDrainsWhatTheParserLeftSoTheChildCanFinish() {
    // 600 KB of output, far more than a pipe holds: the child would block if nobody read it.
    String first = pm.parseOut(BufReader::line, List.of("seq", "1", "100000"));
    assertEquals("1", first);
  }

  @Test
  void parseOutReportsAFailingCommandBeforeItsParseFailure() {
    var e =
        assertThrows(
            ProcessFailedException.class,
            () ->
                pm.parseOut(
                    r -> Integer.parseInt(r.line()),
                    List.of("sh", "-c", "echo not-a-number; echo bad input >&2; exit 2")));
    assertEquals(new ExitStatus.Exited(2), e.status());
  }

  @Test
  void theEnvironmentHandsOutAProcessManager() {
    String s = Eio.call(env -> env.processes().parseOut(BufReader::line, List.of("echo", "hi")));
    assertEquals("hi", s);
  }

  // ------------------------------------------------------------------ ownership by the switch

  @Test
  void aChildStillRunningWhenTheSwitchEndsIsKilledAndReaped() {
    AtomicLong pid = new AtomicLong();
    Switch.run(sw -> pid.set(pm.spawn(sw, List.of("sleep", "100")).pid()));
    // The release hook waited for the reaper: nothing is left, not even a zombie.
    assertTrue(ProcessHandle.of(pid.get()).isEmpty(), "process " + pid + " outlived its switch");
  }

  @Test
  void grandchildrenDieWithTheSwitchToo() {
    List<Long> pids = new ArrayList<>();
    Switch.run(
        sw -> {
          ChildProcess sh =
              pm.spawn(
                  sw,
                  List.of("sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait"),
                  SpawnOptions.defaults().stdout(Stdio.pipe()));
          BufReader r = BufReader.of(sh.stdout());
          pids.add(sh.pid());
          pids.add(Long.parseLong(r.line()));
          pids.add(Long.parseLong(r.line()));
          for (long p : pids) {
            assertTrue(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
          }
        });
    assertTrue(Procs.gone(pids.get(0)));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Procs.goneOrDeadOrphan(pids.get(1)) && Procs.goneOrDeadOrphan(pids.get(2)));
  }

  @Test
  void aShellKilledRightAfterItStartsLeavesNoneOfWhatItForked() {
    // The switch ends while the shell starts its background command: the kill must not miss a
    // fork that happens meanwhile. The fraction marks this test's sleeps (see Procs).
    String mark = String.format("100.%06d", new java.util.Random().nextInt(1_000_000));
    for (int i = 0; i < 30; i++) {
      Switch.run(
          sw ->
              pm.spawn(
                  sw,
                  List.of("sh", "-c", "sleep " + mark + " & wait"),
                  SpawnOptions.defaults().stderr(Stdio.discard())));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertEquals(List.of(), Procs.aliveWithArgument(mark)));
  }

  @Test
  void aFailingSwitchKillsItsChildAndWakesItsPipeReaders() {
    AtomicLong pid = new AtomicLong();
    Promise<Void> reading = Promise.create();
    IllegalStateException boom = new IllegalStateException("boom");
    var thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      ChildProcess p =
                          pm.spawn(
                              sw,
                              List.of("sleep", "100"),
                              SpawnOptions.defaults().stdout(Stdio.pipe()));
                      pid.set(p.pid());
                      sw.fork(
                          () -> {
                            reading.resolve(null);
                            // Blocks in a pipe read the JDK cannot interrupt: only the kill ends it.
                            p.stdout().read(ByteBuffer.allocate(16));
                          });
                      reading.await();
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertTrue(Procs.gone(pid.get()));
  }

  @Test
  void cancellingTheCallerKillsTheChildOfRun() {
    AtomicLong pid = new AtomicLong();
    Promise<Void> started = Promise.create();
    Switch.run(
        outer ->
            Cancel.sub(
                ctx -> {
                  outer.fork(
                      () -> {
                        started.await();
                        ctx.cancel(new Cancelled("stop"));
                      });
                  assertThrows(
                      Cancelled.class,
                      () ->
                          pm.parseOut(
                              r -> {
                                pid.set(Long.parseLong(r.line()));
                                started.resolve(null);
                                return r.line(); // never comes: blocked until the kill
                              },
                              List.of("sh", "-c", "echo $$; exec sleep 100")));
                }));
    assertTrue(pid.get() > 0);
    assertTrue(Procs.gone(pid.get()));
  }

  @Test
  void aCancelledAwaitLeavesTheChildRunningUntilTheSwitchEnds() {
    AtomicLong pid = new AtomicLong();
    Switch.run(
        sw -> {
          ChildProcess p = pm.spawn(sw, List.of("sleep", "100"));
          pid.set(p.pid());
          Cancel.sub(
              ctx -> {
                ctx.cancel(new Cancelled("give up waiting"));
                assertThrows(Cancelled.class, p::await);
              });
          assertTrue(p.isAlive());
        });
    assertTrue(Procs.gone(pid.get()));
  }

  @Test
  void aFailingSinkIsReportedByAwaitAndStopsTheChild() {
    UncheckedIOException broken =
        new UncheckedIOException("disk full", new java.io.IOException("disk full"));
    Sink failing =
        src -> {
          throw broken;
        };
    Switch.run(
        sw -> {
          ChildProcess p =
              pm.spawn(
                  sw, List.of("sh", "-c", "echo x; exec sleep 100"), SpawnOptions.defaults().stdout(Stdio.to(failing)));
          var e = assertThrows(UncheckedIOException.class, p::await);
          assertSame(broken, e);
          assertFalse(p.isAlive());
        });
  }

  @Test
  void aPumpFailureNobodyAwaitedFailsTheSwitch() {
    UncheckedIOException broken =
        new UncheckedIOException("disk full", new java.io.IOException("disk full"));
    Promise<Void> failed = Promise.create();
    Sink failing =
        src -> {
          failed.tryResolve(null);
          throw broken;
        };
    var e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                Switch.run(
                    sw -> {
                      pm.spawn(
                          sw, List.of("echo", "x"), SpawnOptions.defaults().stdout(Stdio.to(failing)));
                      failed.await();
                    }));
    assertSame(broken, e);
  }

  @Test
  void spawningIntoAFinishedSwitchIsRefused() {
    Switch[] saved = new Switch[1];
    Switch.run(sw -> saved[0] = sw);
    assertThrows(IllegalStateException.class, () -> pm.spawn(saved[0], List.of("true")));
  }

  @Test
  void theHelperThreadsOfOutputPipesEndWithTheirSwitch() {
    String[] helper = new String[2];
    Switch.run(
        "pipes-end",
        sw -> {
          ChildProcess p =
              pm.spawn(
                  sw,
                  List.of("sh", "-c", "echo out; echo err >&2; sleep 100"),
                  SpawnOptions.defaults().stdout(Stdio.pipe()).stderr(Stdio.pipe()));
          // Reading starts each pipe's helper thread.
          assertEquals("out", BufReader.of(p.stdout()).line());
          assertEquals("err", BufReader.of(p.stderr()).line());
          helper[0] = "pipes-end/pid-" + p.pid() + "-stdout";
          helper[1] = "pipes-end/pid-" + p.pid() + "-stderr";
          assertTrue(threadNamed(helper[0]) && threadNamed(helper[1]), "helpers running");
        });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !threadNamed(helper[0]) && !threadNamed(helper[1]));
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
  }
}
