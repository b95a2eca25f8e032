package dev.eio.internal.flow;

import dev.eio.io.Sink;
import dev.eio.io.Source;
import java.nio.ByteBuffer;

/** A {@link Source} over bytes in memory; never blocks. */
public final class BytesSource implements Source {
  private final ByteBuffer data; // read-only; position = bytes already read

  public BytesSource(byte[] bytes) {
    this.data = ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
  }

  @Override
  public synchronized int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (!data.hasRemaining()) {
      return -1;
    }
    int n = Math.min(dst.remaining(), data.remaining());
    dst.put(dst.position(), data, data.position(), n);
    dst.position(dst.position() + n);
    data.position(data.position() + n);
    return n;
  }

  /**
   * Writes every unread byte to {@code dst} in one call ({@link dev.eio.io.Flow#copy}'s fast
   * path) and returns how many; bytes the sink did not accept before failing stay unread.
   */
  public synchronized long writeRestTo(Sink dst) {
    int before = data.position();
    ByteBuffer rest = data.slice();
    try {
      dst.write(rest);
    } finally {
      data.position(before + rest.position());
    }
    return rest.position();
  }

  @Override
  public synchronized String toString() {
    return "Source[" + data.remaining() + " bytes in memory]";
  }
}
