package dev.eio.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link Sink} that keeps every byte written to it in memory, for tests and for collecting
 * small outputs; {@link #toByteArray()} and {@link #toString()} return what was written so far.
 *
 * <p><b>Guarantees.</b> Thread-safe: each {@code write} is appended whole, in the order the calls
 * took effect; writes never block and are not cancellation points. Memory grows with the bytes
 * written (at most {@link Integer#MAX_VALUE} - 8 of them).
 *
 * <pre>{@code
 * BufferSink out = Flow.bufferSink();
 * Flow.copy(Flow.ofString("hi"), out);
 * out.toString(); // "hi"
 * }</pre>
 */
public final class BufferSink implements Sink {
  private static final int MAX = Integer.MAX_VALUE - 8;
  private byte[] bytes = new byte[64];
  private int size;

  BufferSink() {}

  @Override
  public synchronized void write(ByteBuffer src) {
    int n = src.remaining();
    if (n > MAX - size) {
      throw new OutOfMemoryError("BufferSink cannot hold more than " + MAX + " bytes");
    }
    if (size + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, (int) Math.min(MAX, Math.max(size + n, 2L * bytes.length)));
    }
    src.get(bytes, size, n);
    size += n;
  }

  /** How many bytes were written. */
  public synchronized int size() {
    return size;
  }

  /** A copy of the bytes written so far. */
  public synchronized byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  /** The bytes written so far, decoded as UTF-8 (malformed bytes become U+FFFD). */
  @Override
  public synchronized String toString() {
    return new String(bytes, 0, size, StandardCharsets.UTF_8);
  }

  /** Forgets the bytes written so far. */
  public synchronized void clear() {
    size = 0;
  }
}
