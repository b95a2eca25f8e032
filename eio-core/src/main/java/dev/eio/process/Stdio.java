package dev.eio.process;

import dev.eio.io.Sink;
import dev.eio.io.Source;

/**
 * Where one standard stream of a child process goes: inherited from this JVM, discarded, a pipe
 * the caller uses through the {@link ChildProcess}, or pumped from a {@link Source} / into a
 * {@link Sink}.
 *
 * <p>{@link #from(Source)} is for standard input only and {@link #to(Sink)} for standard output
 * and error only; {@link SpawnOptions} rejects the other uses. {@link ChildProcess#await()}
 * returns only once the output pumps have copied everything the process wrote; when the switch
 * ends first, the process is killed and the copy stops.
 *
 * <pre>{@code
 * BufferSink out = Flow.bufferSink();
 * SpawnOptions opts = SpawnOptions.defaults()
 *     .stdin(Stdio.from(Flow.ofString("b\na\n")))
 *     .stdout(Stdio.to(out));
 * }</pre>
 */
public sealed interface Stdio {
  /** The child uses this JVM's own stream (the file descriptor, not {@code env.stdout()}). */
  static Stdio inherit() {
    return Inherit.INSTANCE;
  }

  /** Standard input reads end of input at once; output is thrown away. */
  static Stdio discard() {
    return Discard.INSTANCE;
  }

  /**
   * A pipe the caller uses: {@link ChildProcess#stdin()}, {@link ChildProcess#stdout()} or {@link
   * ChildProcess#stderr()}.
   */
  static Stdio pipe() {
    return Pipe.INSTANCE;
  }

  /** Standard input copied from {@code source}, then closed when the source ends. */
  static Stdio from(Source source) {
    if (source == null) {
      throw new NullPointerException("source");
    }
    return new From(source);
  }

  /** Standard output or error copied into {@code sink} (the sink is not closed). */
  static Stdio to(Sink sink) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    return new To(sink);
  }

  /** See {@link #inherit()}. */
  enum Inherit implements Stdio {
    INSTANCE
  }

  /** See {@link #discard()}. */
  enum Discard implements Stdio {
    INSTANCE
  }

  /** See {@link #pipe()}. */
  enum Pipe implements Stdio {
    INSTANCE
  }

  /**
   * See {@link #from(Source)}.
   *
   * @param source the bytes for the child's standard input
   */
  record From(Source source) implements Stdio {}

  /**
   * See {@link #to(Sink)}.
   *
   * @param sink where the child's output goes
   */
  record To(Sink sink) implements Stdio {}
}
