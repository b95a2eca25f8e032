package dev.eio;

import dev.eio.fs.Dir;
import dev.eio.internal.flow.HandOffSource;
import dev.eio.io.Flow;
import dev.eio.io.Sink;
import dev.eio.io.Source;
import dev.eio.parallel.DomainManager;
import dev.eio.process.ProcessManager;

/**
 * The capabilities handed to the program by {@link Eio#run}: code that was not given a
 * capability cannot use that kind of effect, and tests pass in substitutes.
 *
 * <p>{@link #clock()} is the system clock under {@link Eio#run}, a {@link VirtualClock} under
 * {@link VirtualClock#run}. Standard input and output are byte flows ({@link dev.eio.io}): wrap
 * them in a {@link dev.eio.io.BufReader} or {@link dev.eio.io.BufWriter} to read lines or coalesce
 * writes. {@link #processes()} starts child processes owned by switches; {@link #fs()} and {@link
 * #cwd()} are directory capabilities ({@link dev.eio.fs.Dir}) from which confined ones are opened.
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   BufReader in = BufReader.of(env.stdin());
 *   for (String line : in.lines()) {
 *     env.stdout().write((line.toUpperCase() + "\n").getBytes(UTF_8));
 *   }
 * });
 * }</pre>
 */
public final class Env {
  private final Clock clock;
  private final DomainManager domains;
  private final Source stdin;
  private final Sink stdout;
  private final Sink stderr;
  private final ProcessManager processes;
  private final Dir fs;
  private final Dir cwd;

  /** The capabilities of a run, with the process's own standard streams. */
  Env(Clock clock, DomainManager domains) {
    this(clock, domains, HandOffSource.stdin(), Flow.sink(System.out), Flow.sink(System.err));
  }

  Env(Clock clock, DomainManager domains, Source stdin, Sink stdout, Sink stderr) {
    this(
        clock,
        domains,
        stdin,
        stdout,
        stderr,
        ProcessManager.create(stderr),
        Dir.fileSystem(),
        Dir.workingDirectory());
  }

  Env(
      Clock clock,
      DomainManager domains,
      Source stdin,
      Sink stdout,
      Sink stderr,
      ProcessManager processes,
      Dir fs,
      Dir cwd) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    if (domains == null) {
      throw new NullPointerException("domains");
    }
    if (stdin == null || stdout == null || stderr == null) {
      throw new NullPointerException("stdin, stdout and stderr must be non-null");
    }
    if (processes == null || fs == null || cwd == null) {
      throw new NullPointerException("processes, fs and cwd must be non-null");
    }
    this.processes = processes;
    this.fs = fs;
    this.cwd = cwd;
    this.clock = clock;
    this.domains = domains;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The clock: wall-clock and monotonic time, cancellable sleeps. */
  public Clock clock() {
    return clock;
  }

  /**
   * The run's domain manager: one domain per available processor, shut down when the run ends.
   * Run CPU-heavy sections there so they never hold up the fibers doing I/O.
   */
  public DomainManager domains() {
    return domains;
  }

  /**
   * Standard input. A read blocked in it is cancelled like any other blocking operation, although
   * the JDK cannot interrupt a read of {@link System#in}: a helper thread does the reads, one
   * chunk at a time when a reader asks, and the chunk a cancelled read asked for goes to the next
   * read, so no input is lost. The helper may still be waiting in {@code System.in} after such a
   * cancellation: read standard input through this source only.
   */
  public Source stdin() {
    return stdin;
  }

  /** Standard output; every write is flushed to it. */
  public Sink stdout() {
    return stdout;
  }

  /** Standard error; every write is flushed to it. */
  public Sink stderr() {
    return stderr;
  }

  /**
   * Starts child processes, each owned by a switch and killed (with its descendants) when that
   * switch ends; {@code run} and {@code parseOut} copy the child's standard error to {@link
   * #stderr()}.
   */
  public ProcessManager processes() {
    return processes;
  }

  /** The whole file system, unconfined: absolute paths are allowed. */
  public Dir fs() {
    return fs;
  }

  /**
   * The working directory, unconfined ({@code ..} and absolute paths are allowed); {@link
   * Dir#openDir} gives a confined directory below it.
   */
  public Dir cwd() {
    return cwd;
  }

  @Override
  public String toString() {
    return "Env[clock=" + clock + "]";
  }
}
