package dev.eio.io;

import dev.eio.internal.flow.BytesSource;
import dev.eio.internal.flow.ChannelSink;
import dev.eio.internal.flow.ChannelSource;
import dev.eio.internal.flow.FlowCopy;
import dev.eio.internal.flow.PipeFlow;
import dev.eio.internal.flow.SocketFlow;
import dev.eio.internal.flow.StreamSink;
import dev.eio.internal.flow.StreamSource;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Byte-flow factories and {@link #copy}: wraps in-memory data, JDK channels (files, sockets,
 * pipes) and streams (process pipes) as {@link Source}, {@link Sink} and {@link TwoWay}.
 *
 * <p><b>Guarantees.</b> Adapters never close what they wrap: the code that opened a channel or
 * stream closes it. Every read and write is a cancellation point throwing {@link
 * dev.eio.Cancelled}; I/O failures are {@link java.io.UncheckedIOException}. Cancelling a fiber
 * blocked in a JDK channel closes that channel (JDK semantics: the interrupt closes interruptible
 * channels), and closing a channel or stream from another fiber is the way to wake a reader
 * blocked in it without cancelling it. Reads of a plain {@link InputStream} are not
 * interruptible in the JDK: through {@link #source(InputStream)}, cancellation is seen when the
 * read returns, or when the stream's owner closes it ({@code env.stdin()} and the pipes of child
 * processes are read on helper threads instead, and are cancellable). Channels must be in
 * blocking mode.
 *
 * <p>The name follows Eio's {@code Flow}; it is unrelated to {@code java.util.concurrent.Flow}.
 *
 * <pre>{@code
 * try (FileChannel in = FileChannel.open(from);
 *      FileChannel out = FileChannel.open(to, WRITE, CREATE)) {
 *   long n = Flow.copy(Flow.source(in), Flow.sink(out)); // file to file: the kernel copies
 * }
 * }</pre>
 */
public final class Flow {
  private Flow() {}

  /** A source of the UTF-8 bytes of {@code s}. */
  public static Source ofString(String s) {
    if (s == null) {
      throw new NullPointerException("s");
    }
    return new BytesSource(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A source of a copy of {@code bytes} (later changes to the array are not seen). */
  public static Source ofBytes(byte[] bytes) {
    if (bytes == null) {
      throw new NullPointerException("bytes");
    }
    return new BytesSource(bytes);
  }

  /** A new, empty sink that keeps what is written to it in memory. */
  public static BufferSink bufferSink() {
    return new BufferSink();
  }

  /**
   * A source reading {@code channel}; {@link Flow#copy} uses the channel directly (zero-copy
   * when it or the sink's channel is a {@link java.nio.channels.FileChannel}).
   *
   * @throws IllegalArgumentException when the channel is non-blocking
   */
  public static Source source(ReadableByteChannel channel) {
    return new ChannelSource(channel);
  }

  /**
   * A sink writing {@code channel}; {@link Flow#copy} uses the channel directly.
   *
   * @throws IllegalArgumentException when the channel is non-blocking
   */
  public static Sink sink(WritableByteChannel channel) {
    return new ChannelSink(channel);
  }

  /** A source reading {@code in}. */
  public static Source source(InputStream in) {
    return new StreamSource(in);
  }

  /** A sink writing {@code out}, flushing it after every write. */
  public static Sink sink(OutputStream out) {
    return new StreamSink(out);
  }

  /**
   * A two-way flow over a connected, blocking socket channel; {@link TwoWay#shutdown} half-closes
   * the connection ({@code shutdownOutput}/{@code shutdownInput}).
   *
   * @throws IllegalArgumentException when the channel is non-blocking
   */
  public static TwoWay of(SocketChannel channel) {
    return new SocketFlow(channel);
  }

  /**
   * A two-way flow reading {@code in} and writing {@code out}, such as a child process's {@code
   * getInputStream()} and {@code getOutputStream()}: {@code shutdown(SEND)} closes {@code out}
   * (the process reads end of input), {@code shutdown(RECEIVE)} closes {@code in} and later reads
   * return end of input.
   */
  public static TwoWay of(InputStream in, OutputStream out) {
    return new PipeFlow(in, out);
  }

  /**
   * Copies every byte of {@code src} to {@code dst} until {@code src} ends, and returns how many
   * were copied.
   *
   * <p>When both ends expose JDK channels ({@link Source#readableChannel()}, {@link
   * Sink#writableChannel()}) and one is a {@link java.nio.channels.FileChannel}, the copy uses
   * {@code transferTo}/{@code transferFrom}, which lets the kernel move the bytes (file to file,
   * file to socket, socket to file); the file channel's position advances by what was copied.
   * Otherwise bytes go through one 64 KiB buffer. Neither end is closed.
   *
   * @throws dev.eio.Cancelled when the calling fiber is cancelled; the bytes copied so far stay
   *     copied
   * @throws java.io.UncheckedIOException when reading or writing fails
   */
  public static long copy(Source src, Sink dst) {
    if (src == null) {
      throw new NullPointerException("src");
    }
    if (dst == null) {
      throw new NullPointerException("dst");
    }
    return FlowCopy.copy(src, dst);
  }
}
