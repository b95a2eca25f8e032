package dev.eio;

import dev.eio.io.Flow;
import dev.eio.io.Sink;
import dev.eio.io.Source;

/**
 * The capabilities handed to the program by {@link Eio#run}: code that was not given a
 * capability cannot use that kind of effect, and tests pass in substitutes.
 *
 * <p>Standard input and output are byte flows ({@link dev.eio.io}): wrap them in a {@link
 * dev.eio.io.BufReader} or {@link dev.eio.io.BufWriter} to read lines or coalesce writes.
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
  private final Source stdin;
  private final Sink stdout;
  private final Sink stderr;

  /** The process's own standard streams ({@code System.in/out/err} as set at this moment). */
  Env() {
    this(Flow.source(System.in), Flow.sink(System.out), Flow.sink(System.err));
  }

  Env(Source stdin, Sink stdout, Sink stderr) {
    if (stdin == null || stdout == null || stderr == null) {
      throw new NullPointerException("stdin, stdout and stderr must be non-null");
    }
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Standard input. Reading it is not interruptible in the JDK: a cancelled fiber blocked in it
   * sees the cancellation when the read returns.
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

  @Override
  public String toString() {
    return "Env";
  }
}
