package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Sink;
import dev.eio.io.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/** {@link dev.eio.io.Flow#copy}: picks the kernel transfer when both ends allow it. */
public final class FlowCopy {
  private static final int BUFFER = 64 * 1024;
  // Transfers go in chunks so a cancellation is noticed between them and positions stay exact.
  private static final long CHUNK = 8L * 1024 * 1024;

  private FlowCopy() {}

  public static long copy(Source src, Sink dst) {
    Interrupts.check();
    if (src instanceof BytesSource bytes) {
      return bytes.writeRestTo(dst);
    }
    Optional<ReadableByteChannel> in = src.readableChannel();
    Optional<WritableByteChannel> out = dst.writableChannel();
    if (in.isPresent() && out.isPresent()) {
      try {
        if (in.get() instanceof FileChannel file) {
          return transferTo(file, out.get(), src, dst);
        }
        if (out.get() instanceof FileChannel file && file.position() <= file.size()) {
          return transferFrom(in.get(), file);
        }
      } catch (IOException e) {
        throw IoErrors.unchecked(e);
      }
    }
    return bufferedCopy(src, dst, 0);
  }

  private static long transferTo(FileChannel in, WritableByteChannel out, Source src, Sink dst)
      throws IOException {
    long total = 0;
    long pos = in.position();
    while (true) {
      Interrupts.check();
      long n = in.transferTo(pos, CHUNK, out);
      if (n == 0) {
        if (pos >= in.size()) {
          return total;
        }
        // The kernel made no progress before the end of the file: finish with plain reads.
        return bufferedCopy(src, dst, total);
      }
      pos += n;
      total += n;
      in.position(pos);
    }
  }

  private static long transferFrom(ReadableByteChannel in, FileChannel out) throws IOException {
    long total = 0;
    long pos = out.position();
    while (true) {
      Interrupts.check();
      // From a blocking channel, transferFrom reads until CHUNK bytes or end of input: 0 is end.
      long n = out.transferFrom(in, pos, CHUNK);
      if (n == 0) {
        return total;
      }
      pos += n;
      total += n;
      out.position(pos);
    }
  }

  private static long bufferedCopy(Source src, Sink dst, long total) {
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    while (true) {
      buf.clear();
      int n = src.read(buf);
      if (n < 0) {
        return total;
      }
      buf.flip();
      dst.write(buf);
      total += n;
    }
  }
}
