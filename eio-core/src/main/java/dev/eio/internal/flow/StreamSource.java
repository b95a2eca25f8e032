package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A {@link Source} reading an {@link InputStream}; the stream's owner closes it. */
public class StreamSource implements Source {
  private static final int MAX_SCRATCH = 8192;
  private final InputStream in;

  public StreamSource(InputStream in) {
    if (in == null) {
      throw new NullPointerException("in");
    }
    this.in = in;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    Interrupts.check();
    try {
      int n;
      if (dst.hasArray()) {
        do {
          n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        } while (n == 0);
        if (n > 0) {
          dst.position(dst.position() + n);
        }
      } else {
        byte[] scratch = new byte[Math.min(dst.remaining(), MAX_SCRATCH)];
        do {
          n = in.read(scratch, 0, scratch.length);
        } while (n == 0);
        if (n > 0) {
          dst.put(scratch, 0, n);
        }
      }
      return n < 0 ? -1 : n;
    } catch (IOException e) {
      throw IoErrors.unchecked(e);
    }
  }

  @Override
  public String toString() {
    return "Source[" + in + "]";
  }
}
