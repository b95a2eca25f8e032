package dev.eio.process;

import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.internal.flow.HandOffSource;
import dev.eio.internal.ProcessTree;
import dev.eio.io.Sink;
import dev.eio.io.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child process started by {@link ProcessManager#spawn}: it belongs to the switch it was
 * spawned in, and is killed (with its descendants) and reaped when that switch ends, in one pass
 * with the switch's other children (see {@link ProcessManager} for what is stopped and how fast;
 * a double-forked daemon that left the tree before the end is not).
 *
 * <p><b>Guarantees.</b> {@link #await()} waits for the exit and for the output pumps ({@link
 * Stdio#to}) to have copied everything; it is cancellable, and cancelling it does not kill the
 * process (the switch does, when it ends). {@link #signal} and {@link #kill} are harmless once
 * the process has exited. Reads and writes of the pipes are cancellable like any flow (helper
 * threads do the JDK's uninterruptible pipe I/O, see ADR 12); a cancelled read consumes nothing.
 * The pipes are closed by the switch.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   ChildProcess sort = processes.spawn(sw, List.of("sort"),
 *       SpawnOptions.defaults().stdin(Stdio.pipe()).stdout(Stdio.pipe()));
 *   sort.stdin().write("b\na\n".getBytes(UTF_8));
 *   sort.closeStdin();
 *   for (String line : BufReader.of(sort.stdout()).lines()) System.out.println(line);
 *   sort.await(); // exited with code 0
 * });
 * }</pre>
 */
public final class ChildProcess {
  private final List<String> command;
  private final Process process;
  private final Promise<ExitStatus> exit = Promise.create();
  private final List<Promise<Void>> outputPumps;
  private final AtomicReference<Throwable> pumpFailure = new AtomicReference<>();
  private volatile boolean failureReported;
  private final PipeOut stdin;
  private final HandOffSource stdout;
  private final HandOffSource stderr;

  ChildProcess(
      List<String> command,
      Process process,
      List<Promise<Void>> outputPumps,
      PipeOut stdin,
      HandOffSource stdout,
      HandOffSource stderr) {
    this.command = List.copyOf(command);
    this.process = process;
    this.outputPumps = outputPumps;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    process
        .onExit()
        .whenComplete((p, e) -> exit.tryResolve(ExitStatus.ofExitValue(process.exitValue())));
  }

  /** The operating system's process id. */
  public long pid() {
    return process.pid();
  }

  /** The command line as started, the resolved executable first. */
  public List<String> command() {
    return command;
  }

  /** The JDK's handle on the process, to inspect it (its descendants, its state). */
  public ProcessHandle toHandle() {
    return process.toHandle();
  }

  /**
   * Waits until the process has exited and every output pump has copied all the process wrote,
   * then returns how it ended.
   *
   * @throws Cancelled when the calling fiber is cancelled first; the process keeps running
   * @throws RuntimeException the failure of a pump (such as the {@link Stdio#to} sink failing)
   */
  public ExitStatus await() {
    ExitStatus status = exit.await();
    awaitOutputPumps();
    Throwable f = pumpFailure.get();
    if (f != null && !(f instanceof Cancelled)) {
      failureReported = true;
      if (f instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) f;
    }
    return status;
  }

  /** How the process ended, without waiting; empty while it runs. */
  public Optional<ExitStatus> exitStatus() {
    return exit.peek();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends signal {@code signal} to the process (not to its descendants). {@code SIGTERM} (15) and
   * {@code SIGKILL} (9) go through the JDK's {@link ProcessHandle}, which leaves the pipes open;
   * other signals through the {@code kill} command, which costs a short-lived process. Does
   * nothing once the process has exited.
   *
   * @return whether the signal was sent (false when the process had already exited)
   * @throws IllegalArgumentException when {@code signal} is not between 1 and 64
   */
  public boolean signal(int signal) {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal must be between 1 and 64, got " + signal);
    }
    if (!process.isAlive()) {
      return false;
    }
    switch (signal) {
      // Through the handle: Process.destroy would also close the pipes, and a reader would lose
      // what the process wrote before it died (or while it handles SIGTERM).
      case 9 -> process.toHandle().destroyForcibly();
      case 15 -> process.toHandle().destroy();
      default -> sendWithKillCommand(signal);
    }
    return true;
  }

  private void sendWithKillCommand(int signal) {
    try {
      Process k =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      // The exit code says nothing we can act on: the process may have exited meanwhile.
      k.getInputStream().readAllBytes();
      k.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run kill -" + signal + " " + process.pid(), e);
    } catch (InterruptedException e) {
      throw dev.eio.internal.Interrupts.cancelledByInterrupt(e);
    }
  }

  /**
   * Kills the process and its descendants with {@code SIGKILL}, as the switch does when it ends,
   * and waits until the killed descendants are dead. The tree is first stopped with {@code
   * SIGSTOP} one level at a time (through {@code kill(2)} when eio has native access, else the
   * {@code kill} command, one short-lived process per level), so a process forked meanwhile is
   * not missed. The pipes stay open: what the process wrote before it died can still be read.
   * Does nothing once the process has exited.
   */
  public void kill() {
    ProcessTree.kill(process);
  }

  /**
   * The process's standard input, when spawned with {@link Stdio#pipe()}; a write blocks while the
   * pipe is full. {@link #closeStdin()} lets the process read end of input.
   *
   * @throws IllegalStateException when standard input is not a pipe
   */
  public Sink stdin() {
    return require(stdin, "stdin");
  }

  /**
   * Closes the standard input pipe: the process reads end of input after the bytes written.
   * Closing twice is harmless.
   *
   * @throws IllegalStateException when standard input is not a pipe
   */
  public void closeStdin() {
    require(stdin, "stdin").close();
  }

  /**
   * The process's standard output, when spawned with {@link Stdio#pipe()}.
   *
   * @throws IllegalStateException when standard output is not a pipe
   */
  public Source stdout() {
    return require(stdout, "stdout");
  }

  /**
   * The process's standard error, when spawned with {@link Stdio#pipe()}.
   *
   * @throws IllegalStateException when standard error is not a pipe
   */
  public Source stderr() {
    return require(stderr, "stderr");
  }

  private <T> T require(T flow, String which) {
    if (flow == null) {
      throw new IllegalStateException(
          which
              + " of "
              + CommandText.of(command)
              + " is not a pipe: spawn it with "
              + which
              + "(Stdio.pipe())");
    }
    return flow;
  }

  Process process() {
    return process;
  }

  Promise<ExitStatus> exitPromise() {
    return exit;
  }

  void awaitOutputPumps() {
    for (Promise<Void> p : outputPumps) {
      p.await();
    }
  }

  /** Stops the pipes' helper threads; the process is dead. */
  void releasePipes() {
    String why = "its switch has ended";
    if (stdin != null) {
      stdin.release();
    }
    if (stdout != null) {
      stdout.close(why);
    }
    if (stderr != null) {
      stderr.close(why);
    }
  }

  void pumpFailed(Throwable t) {
    pumpFailure.compareAndSet(null, t);
  }

  /** A pump failure no {@link #await()} reported, to fail the switch with. */
  Throwable unreportedFailure() {
    Throwable f = pumpFailure.get();
    return f == null || f instanceof Cancelled || failureReported ? null : f;
  }

  @Override
  public String toString() {
    Optional<ExitStatus> s = exit.peek();
    return "ChildProcess[pid "
        + process.pid()
        + ", "
        + CommandText.of(command)
        + ", "
        + s.map(ExitStatus::toString).orElse("running")
        + "]";
  }
}
