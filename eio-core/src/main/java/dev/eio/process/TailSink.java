package dev.eio.process;

import dev.eio.io.Sink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Forwards writes to a sink and keeps the last bytes written, for failure messages. */
final class TailSink implements Sink {
  static final int TAIL = 4096;

  private final Sink delegate;
  private final byte[] ring = new byte[TAIL];
  private long written; // guarded by this

  TailSink(Sink delegate) {
    this.delegate = delegate;
  }

  @Override
  public void write(ByteBuffer src) {
    ByteBuffer copy = src.duplicate();
    synchronized (this) {
      while (copy.hasRemaining()) {
        ring[(int) (written++ % TAIL)] = copy.get();
      }
    }
    delegate.write(src);
  }

  /** The last bytes written (at most {@value #TAIL}), decoded as UTF-8. */
  synchronized String tail() {
    int n = (int) Math.min(written, TAIL);
    byte[] out = new byte[n];
    long start = written - n;
    for (int i = 0; i < n; i++) {
      out[i] = ring[(int) ((start + i) % TAIL)];
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
