package dev.eio.internal.workers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Splits a byte stream into lines of at most {@code maxBytes} bytes each, in bounded memory: the
 * rest of a longer line is skipped, and the line ends with a marker saying how many bytes were
 * dropped. Lines end at {@code \n} (a {@code \r} before it is removed) or at end of stream. Not
 * thread-safe: one reader.
 */
public final class BoundedLines {
  private final InputStream in;
  private final Charset charset;
  private final int maxBytes;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int limit;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public BoundedLines(InputStream in, Charset charset, int maxBytes) {
    this.in = in;
    this.charset = charset;
    this.maxBytes = maxBytes;
  }

  /** The next line, cut to {@code maxBytes} bytes plus a marker, or null at end of stream. */
  public String readLine() throws IOException {
    line.reset();
    long dropped = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return any ? finish(dropped) : null;
        }
      }
      any = true;
      int end = pos;
      while (end < limit && buf[end] != '\n') {
        end++;
      }
      int keep = Math.min(end - pos, maxBytes - line.size());
      line.write(buf, pos, keep);
      dropped += end - pos - keep;
      if (end < limit) {
        pos = end + 1;
        return finish(dropped);
      }
      pos = limit;
    }
  }

  private String finish(long dropped) {
    byte[] b = line.toByteArray();
    int n = b.length;
    if (dropped == 0 && n > 0 && b[n - 1] == '\r') {
      n--;
    }
    String s = new String(b, 0, n, charset);
    return dropped == 0 ? s : s + " [eio: line cut, " + dropped + " more bytes dropped]";
  }
}
