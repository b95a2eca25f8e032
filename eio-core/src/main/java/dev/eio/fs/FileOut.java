package dev.eio.fs;

import dev.eio.Switch;
import dev.eio.io.Flow;
import dev.eio.io.Sink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * A file opened for writing by {@link Dir#openOut}: a {@link Sink} over a {@link FileChannel}, so
 * {@link Flow#copy} into it lets the kernel move the bytes. It belongs to the switch it was
 * opened in and is closed when that switch ends, or earlier by {@link #close()}.
 *
 * <p><b>Guarantees.</b> Writes go to the operating system at once (no buffering of ours; wrap in
 * a {@link dev.eio.io.BufWriter} to coalesce small writes); {@link #sync()} forces them to the
 * device. Closing twice is harmless; writing a closed file is an {@link UncheckedIOException}.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   FileOut out = dir.openOut(sw, "log.txt", Create.IF_MISSING);
 *   out.write("started\n".getBytes(UTF_8));
 * }); // closed here
 * }</pre>
 */
public final class FileOut implements Sink, AutoCloseable {
  private final FileIn.OpenFile file;
  private final Sink sink;

  FileOut(Switch sw, FileChannel channel, String path) {
    this.file = new FileIn.OpenFile(sw, channel, path);
    this.sink = Flow.sink(channel);
  }

  @Override
  public void write(ByteBuffer src) {
    sink.write(src);
  }

  @Override
  public Optional<WritableByteChannel> writableChannel() {
    return Optional.of(file.channel());
  }

  /** The file's current size in bytes. */
  public long size() {
    return file.size();
  }

  /** Forces written bytes (and metadata) to the storage device. */
  public void sync() {
    try {
      file.channel().force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("sync of " + file + " failed", e);
    }
  }

  /** Closes the file now, and takes back the switch's hook that would have closed it. */
  @Override
  public void close() {
    file.close();
  }

  @Override
  public String toString() {
    return "FileOut[" + file + "]";
  }
}
