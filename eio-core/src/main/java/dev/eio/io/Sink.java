package dev.eio.io;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * A consumer of bytes: {@link #write} blocks until every remaining byte of the buffer has been
 * handed to the destination.
 *
 * <p><b>Guarantees.</b> Bytes arrive in the order written. {@code write} is a cancellation point:
 * a cancelled fiber gets {@link dev.eio.Cancelled}; bytes may then have been partly written (the
 * buffer's position tells how many were accepted), since a byte stream cannot take bytes back. An
 * I/O failure is a {@link java.io.UncheckedIOException}. A sink is meant for one writer at a
 * time; use {@link BufWriter} to share one between fibers.
 *
 * <pre>{@code
 * BufferSink out = Flow.bufferSink();
 * out.write("hello".getBytes(StandardCharsets.UTF_8));
 * out.toString(); // "hello"
 * }</pre>
 */
public interface Sink {
  /**
   * Writes every remaining byte of {@code src}, blocking until done; on return {@code src} has
   * no bytes remaining.
   *
   * @throws dev.eio.Cancelled when the calling fiber is cancelled
   * @throws java.io.UncheckedIOException when the underlying write fails
   */
  void write(ByteBuffer src);

  /** Writes all of {@code bytes}, as {@link #write(ByteBuffer)}. */
  default void write(byte[] bytes) {
    write(ByteBuffer.wrap(bytes));
  }

  /**
   * Writes {@code len} bytes of {@code bytes} starting at {@code off}, as {@link
   * #write(ByteBuffer)}.
   *
   * @throws IndexOutOfBoundsException when the range is outside the array
   */
  default void write(byte[] bytes, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, bytes.length);
    write(ByteBuffer.wrap(bytes, off, len));
  }

  /**
   * The JDK channel this sink writes to directly, when writing to the channel is exactly
   * equivalent to calling {@link #write}: {@link Flow#copy} then uses {@code
   * FileChannel.transferTo/transferFrom}. Sinks that buffer or transform bytes must return empty
   * (the default).
   */
  default Optional<WritableByteChannel> writableChannel() {
    return Optional.empty();
  }
}
