package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A {@link Sink} writing an {@link OutputStream}, flushed after every write so that a returned
 * write has reached the stream's destination; the stream's owner closes it.
 */
public class StreamSink implements Sink {
  private static final int MAX_SCRATCH = 8192;
  private final OutputStream out;

  public StreamSink(OutputStream out) {
    if (out == null) {
      throw new NullPointerException("out");
    }
    this.out = out;
  }

  @Override
  public void write(ByteBuffer src) {
    if (!src.hasRemaining()) {
      return;
    }
    Interrupts.check();
    try {
      if (src.hasArray()) {
        out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
        src.position(src.limit());
      } else {
        byte[] scratch = new byte[Math.min(src.remaining(), MAX_SCRATCH)];
        while (src.hasRemaining()) {
          int n = Math.min(scratch.length, src.remaining());
          src.get(scratch, 0, n);
          out.write(scratch, 0, n);
        }
      }
      out.flush();
    } catch (IOException e) {
      throw IoErrors.unchecked(e);
    }
  }

  @Override
  public String toString() {
    return "Sink[" + out + "]";
  }
}
