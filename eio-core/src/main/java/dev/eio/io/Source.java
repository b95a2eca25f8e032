package dev.eio.io;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;

/**
 * A producer of bytes: {@link #read} blocks until at least one byte is available and returns how
 * many it put into the buffer, or {@code -1} once the input has ended.
 *
 * <p><b>Guarantees.</b> {@code read} is a cancellation point: a cancelled fiber gets {@link
 * dev.eio.Cancelled}, and when the read was already under way in a JDK channel the JDK closes that
 * channel (see {@link Flow}). An I/O failure is a {@link java.io.UncheckedIOException}; end of
 * input is the ordinary return value {@code -1}, never an exception, so the two cannot be
 * confused. Bytes are delivered in order, each exactly once. A source is meant for one reader at
 * a time; implementations need not be thread-safe.
 *
 * <p>Implementations over a JDK channel may expose it through {@link #readableChannel()} so that
 * {@link Flow#copy} can hand the transfer to the operating system.
 *
 * <pre>{@code
 * Source src = Flow.ofString("hello");
 * ByteBuffer buf = ByteBuffer.allocate(16);
 * while (src.read(buf) >= 0) {}
 * buf.flip(); // 5 bytes: "hello"
 * }</pre>
 */
public interface Source {
  /**
   * Reads some bytes into {@code dst}, between its position and limit, blocking until at least
   * one is available.
   *
   * @return the number of bytes read (at least 1 when {@code dst} has room; 0 only when it has
   *     none), or {@code -1} at end of input
   * @throws dev.eio.Cancelled when the calling fiber is cancelled
   * @throws java.io.UncheckedIOException when the underlying read fails
   */
  int read(ByteBuffer dst);

  /**
   * The JDK channel this source reads from directly, when reading the channel is exactly
   * equivalent to calling {@link #read}: {@link Flow#copy} then uses {@code
   * FileChannel.transferTo/transferFrom}. Sources that buffer or transform bytes must return
   * empty (the default).
   */
  default Optional<ReadableByteChannel> readableChannel() {
    return Optional.empty();
  }
}
