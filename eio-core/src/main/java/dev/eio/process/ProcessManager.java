package dev.eio.process;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.internal.flow.HandOffSource;
import dev.eio.internal.ProcessTree;
import dev.eio.io.BufReader;
import dev.eio.io.Flow;
import dev.eio.io.Sink;
import dev.eio.io.Source;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Starts child processes, each owned by a switch: {@code env.processes()} under {@link
 * dev.eio.Eio#run}. When the switch ends, a child still running is killed with its descendants
 * and reaped, so no process outlives the code that started it.
 *
 * <p><b>Guarantees.</b> The executable is looked up on the child's {@code PATH} only when its
 * name has no {@code /} (otherwise it is taken relative to the working directory); a missing one
 * is an {@link ExecutableNotFoundException} naming it, raised before anything starts. {@link
 * #run} and {@link #parseOut} run the command in a switch of their own, so cancelling them kills
 * the process; they throw {@link ProcessFailedException} (command, status, tail of standard
 * error) when it does not exit with code 0. The JDK's pipe I/O cannot be interrupted, so helper
 * threads do it and the pipes the caller sees are cancellable; {@link Stdio#from} is pumped by a
 * daemon fiber of the process's switch.
 *
 * <p><b>At the switch's end</b> every child of the switch still running is killed together with
 * its descendants, all the trees in one pass: their processes are frozen with {@code SIGSTOP} one
 * level at a time, every tree's level at once (a stopped process cannot fork, so no tree grows
 * while another is handled), then killed with {@code SIGKILL}. {@link Switch#run} returns once
 * the children are reaped and the killed descendants are dead (each wait bounded to about a
 * second for a process stuck in the kernel). With native access granted to eio ({@code
 * --enable-native-access}) the signals are system calls and three children forking in a loop are
 * gone in about a second on a busy 2-core machine; without it, stops go through the {@code kill}
 * command, slower while the trees fork. A descendant that detaches itself (forks and lets its
 * parent exit, as a daemon does) before the switch ends is re-parented out of the tree and is not
 * stopped: see ADR 12 and ADR 22. A cancelled {@link #run} or {@link #parseOut} throws {@link
 * Cancelled}, never an I/O error of the pipes the kill closed; error messages show at most a few
 * hundred characters of a command line.
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   ProcessManager pm = env.processes();
 *   pm.run(List.of("git", "init", "repo"));
 *   String head = pm.parseOut(BufReader::line, List.of("git", "-C", "repo", "status", "-s", "-b"));
 * });
 * }</pre>
 */
public final class ProcessManager {
  private final Sink stderr;

  private ProcessManager(Sink stderr) {
    this.stderr = stderr;
  }

  /**
   * A process manager for this machine; {@link #run} and {@link #parseOut} copy the standard
   * error of their processes to {@code stderr} (keeping its tail for failure messages).
   */
  public static ProcessManager create(Sink stderr) {
    if (stderr == null) {
      throw new NullPointerException("stderr");
    }
    return new ProcessManager(stderr);
  }

  /** {@link #spawn(Switch, List, SpawnOptions)} with the default options. */
  public ChildProcess spawn(Switch sw, List<String> args) {
    return spawn(sw, args, SpawnOptions.defaults());
  }

  /**
   * Starts {@code args} (executable first) as a child process owned by {@code sw}. Call it from a
   * fiber of {@code sw}'s tree.
   *
   * @throws ExecutableNotFoundException when the executable does not exist
   * @throws IllegalArgumentException when {@code args} is empty or the working directory is not a
   *     directory
   * @throws UncheckedIOException when the operating system refuses to start the process
   * @throws Cancelled when {@code sw} is cancelled
   */
  public ChildProcess spawn(Switch sw, List<String> args, SpawnOptions options) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    List<String> command = checkArgs(args);
    if (options == null) {
      throw new NullPointerException("options");
    }
    sw.check();
    Path dir = options.directory().orElse(null);
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "working directory must be an existing directory, got " + dir);
    }
    List<String> resolved = new ArrayList<>(command);
    resolved.set(0, resolve(command.get(0), options, dir).toString());
    ProcessBuilder pb = new ProcessBuilder(resolved);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    if (options.environmentChanged()) {
      Map<String, String> env = pb.environment();
      env.clear();
      env.putAll(options.effectiveEnvironment());
    }
    ProcessTree.prepare();
    pb.redirectInput(redirect(options.stdin(), true));
    pb.redirectOutput(redirect(options.stdout(), false));
    pb.redirectError(redirect(options.stderr(), false));
    // Starting and registering the kill hook must not be split by a cancellation.
    return Cancel.protect(() -> start(sw, command, resolved, pb, options));
  }

  private ChildProcess start(
      Switch sw, List<String> command, List<String> resolved, ProcessBuilder pb, SpawnOptions o) {
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      String why = CommandText.of(String.valueOf(e.getMessage()));
      throw new UncheckedIOException("could not start " + CommandText.of(resolved) + ": " + why, e);
    }
    List<Promise<Void>> outputPumps = new ArrayList<>();
    Promise<Void> outPump = o.stdout() instanceof Stdio.To ? Promise.create() : null;
    Promise<Void> errPump = o.stderr() instanceof Stdio.To ? Promise.create() : null;
    if (outPump != null) {
      outputPumps.add(outPump);
    }
    if (errPump != null) {
      outputPumps.add(errPump);
    }
    String tag = sw.name() + "/pid-" + process.pid() + "-";
    boolean inPipe = o.stdin() instanceof Stdio.Pipe || o.stdin() instanceof Stdio.From;
    PipeOut in = inPipe ? new PipeOut(process.getOutputStream(), tag + "stdin") : null;
    ChildProcess child =
        new ChildProcess(
            resolved,
            process,
            outputPumps,
            in,
            o.stdout() instanceof Stdio.Pipe ? new HandOffSource(process.getInputStream(), tag + "stdout") : null,
            o.stderr() instanceof Stdio.Pipe ? new HandOffSource(process.getErrorStream(), tag + "stderr") : null);
    SwitchChildren.add(sw, child);
    sw.onRelease(() -> release(sw, child));
    if (o.stdin() instanceof Stdio.From from) {
      // A fiber: it reads the caller's source, which may need the switch's context.
      sw.forkDaemon(() -> pumpIn(child, from.source(), in));
    }
    // Output pumps are helper threads, not fibers: their reads of the pipe cannot be interrupted,
    // and a fiber stuck in one would keep the switch from ever reaching the hook that kills the
    // process. They end when the process's output ends. Platform threads, as HandOffSource's.
    if (outPump != null) {
      Sink sink = ((Stdio.To) o.stdout()).sink();
      PipeOut.helper(tag + "stdout", () -> pumpOut(child, process.getInputStream(), sink, outPump))
          .start();
    }
    if (errPump != null) {
      Sink sink = ((Stdio.To) o.stderr()).sink();
      PipeOut.helper(tag + "stderr", () -> pumpOut(child, process.getErrorStream(), sink, errPump))
          .start();
    }
    return child;
  }

  private static void release(Switch sw, ChildProcess child) {
    Process process = child.process();
    // Every child of the switch not killed yet goes with this one: one freeze pass over all the
    // trees, rather than one tree per hook while the others go on forking.
    SwitchChildren.killWith(sw, child);
    // Protected (a release hook): waits for the reaper, so no zombie is left behind.
    child.exitPromise().await();
    // The output pumps end at the end of output, which the kill brought about; waiting for them
    // means a failure they met is recorded before we look.
    child.awaitOutputPumps();
    child.releasePipes();
    closeQuietly(process.getOutputStream());
    closeQuietly(process.getInputStream());
    closeQuietly(process.getErrorStream());
    Throwable f = child.unreportedFailure();
    if (f != null) {
      throw dev.eio.WrappedCheckedException.wrapChecked(f);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // The process is dead: nothing is lost by a failed close of its pipe.
    }
  }

  private static void pumpIn(ChildProcess child, Source source, PipeOut toChild) {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try {
      while (true) {
        buf.clear();
        int n;
        try {
          n = source.read(buf);
        } catch (Cancelled c) {
          throw c;
        } catch (Throwable t) {
          child.pumpFailed(t);
          return;
        }
        if (n < 0) {
          break;
        }
        buf.flip();
        try {
          toChild.write(buf);
        } catch (UncheckedIOException e) {
          // The process closed its input or exited: it wants no more, which is not a failure.
          return;
        }
      }
    } finally {
      toChild.close();
    }
  }

  private static void pumpOut(
      ChildProcess child, InputStream fromChild, Sink sink, Promise<Void> done) {
    try {
      Flow.copy(Flow.source(fromChild), sink);
    } catch (Throwable t) {
      child.pumpFailed(t);
      if (!(t instanceof Cancelled)) {
        // Nobody takes the output any more: a process blocked writing it would never end.
        ProcessTree.kill(child.process());
      }
    } finally {
      done.tryResolve(null);
    }
  }

  /** {@link #run(List, SpawnOptions)} with the default options. */
  public void run(List<String> args) {
    run(args, SpawnOptions.defaults());
  }

  /**
   * Runs {@code args} to completion in a switch of its own. Standard error, unless {@code
   * options} sends it elsewhere, is copied to this manager's {@code stderr}; its last 4 KiB go
   * into the failure's message either way.
   *
   * @throws ProcessFailedException when the process does not exit with code 0
   * @throws ExecutableNotFoundException when the executable does not exist
   * @throws Cancelled when the caller is cancelled; the process is then killed
   */
  public void run(List<String> args, SpawnOptions options) {
    List<String> command = checkArgs(args);
    if (options == null) {
      throw new NullPointerException("options");
    }
    Switch.run(
        "process",
        sw -> {
          Run r = startRun(sw, command, options);
          r.check(r.child.await());
        });
  }

  /** {@link #parseOut(Function, List, SpawnOptions)} with the default options. */
  public <T> T parseOut(Function<BufReader, T> parser, List<String> args) {
    return parseOut(parser, args, SpawnOptions.defaults());
  }

  /**
   * Runs {@code args} to completion and returns {@code parser} applied to a {@link BufReader} over
   * its standard output (standard output in {@code options} is replaced by a pipe). Output the
   * parser leaves unread is read and dropped, so the process never blocks on a full pipe.
   *
   * @throws ProcessFailedException when the process does not exit with code 0 (checked before
   *     the parser's own failure is reported, as a failing command explains a parse failure)
   */
  public <T> T parseOut(Function<BufReader, T> parser, List<String> args, SpawnOptions options) {
    if (parser == null) {
      throw new NullPointerException("parser");
    }
    List<String> command = checkArgs(args);
    if (options == null) {
      throw new NullPointerException("options");
    }
    return Switch.call(
        "process",
        sw -> {
          Run r = startRun(sw, command, options.stdout(Stdio.pipe()));
          BufReader out = BufReader.of(r.child.stdout());
          T value;
          try {
            value = parser.apply(out);
          } catch (RuntimeException e) {
            dev.eio.internal.Interrupts.check();
            drain(out);
            r.check(r.child.await());
            throw e;
          }
          drain(out);
          r.check(r.child.await());
          return value;
        });
  }

  private static void drain(Source s) {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (true) {
      buf.clear();
      if (s.read(buf) < 0) {
        return;
      }
    }
  }

  private record Run(ChildProcess child, List<String> command, TailSink tail) {
    void check(ExitStatus status) {
      if (!status.isSuccess()) {
        // A cancelled run killed the process itself: report the cancellation, not the kill.
        dev.eio.internal.Interrupts.check();
        throw new ProcessFailedException(command, status, tail == null ? "" : tail.tail());
      }
    }
  }

  private Run startRun(Switch sw, List<String> command, SpawnOptions options) {
    Stdio err = options.stderr();
    TailSink tail;
    if (err instanceof Stdio.To to) {
      tail = new TailSink(to.sink());
    } else if (err instanceof Stdio.Inherit) {
      tail = new TailSink(stderr);
    } else {
      // Discarded by request, or a pipe nobody would read: keep the tail only.
      tail = new TailSink(src -> src.position(src.limit()));
    }
    ChildProcess child = spawn(sw, command, options.stderr(Stdio.to(tail)));
    return new Run(child, command, tail);
  }

  private static List<String> checkArgs(List<String> args) {
    if (args == null) {
      throw new NullPointerException("args");
    }
    if (args.isEmpty()) {
      throw new IllegalArgumentException("args must name the executable first, got an empty list");
    }
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a == null) {
        throw new NullPointerException("args[" + i + "]");
      }
      if (a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "args[" + i + "] must not contain NUL, got " + CommandText.of(a));
      }
    }
    if (args.get(0).isEmpty()) {
      throw new IllegalArgumentException("args[0], the executable, must be non-empty");
    }
    return List.copyOf(args);
  }

  private static Path resolve(String name, SpawnOptions options, Path dir) {
    Path base = dir != null ? dir : Path.of("");
    if (name.indexOf('/') >= 0) {
      Path p = base.resolve(name).toAbsolutePath();
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
      throw new ExecutableNotFoundException(name, "no executable file at " + p);
    }
    String path =
        options.environmentChanged()
            ? options.effectiveEnvironment().get("PATH")
            : System.getenv("PATH");
    if (path == null) {
      throw new ExecutableNotFoundException(name, "PATH is not set");
    }
    for (String entry : path.split(File.pathSeparator, -1)) {
      // An empty PATH entry means the working directory, by POSIX.
      Path p = (entry.isEmpty() ? base : Path.of(entry)).resolve(name).toAbsolutePath();
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new ExecutableNotFoundException(name, "not found on PATH " + path);
  }

  private static ProcessBuilder.Redirect redirect(Stdio s, boolean input) {
    return switch (s) {
      case Stdio.Inherit i -> ProcessBuilder.Redirect.INHERIT;
      case Stdio.Discard d ->
          input
              ? ProcessBuilder.Redirect.from(new File("/dev/null"))
              : ProcessBuilder.Redirect.DISCARD;
      case Stdio.Pipe p -> ProcessBuilder.Redirect.PIPE;
      case Stdio.From f -> ProcessBuilder.Redirect.PIPE;
      case Stdio.To t -> ProcessBuilder.Redirect.PIPE;
    };
  }

  @Override
  public String toString() {
    return "ProcessManager";
  }
}
