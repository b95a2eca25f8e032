package dev.eio.fs;

import dev.eio.Switch;
import dev.eio.io.Flow;
import dev.eio.io.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;

/**
 * A file opened for reading by {@link Dir#openIn}: a {@link Source} over a {@link FileChannel}, so
 * {@link Flow#copy} lets the kernel move its bytes. It belongs to the switch it was opened in and
 * is closed when that switch ends, or earlier by {@link #close()}.
 *
 * <p><b>Guarantees.</b> Reads are cancellation points; a fiber cancelled while blocked in a read
 * makes the JDK close the channel (see {@link Flow}). Closing twice is harmless; reading a closed
 * file is an {@link UncheckedIOException}.
 *
 * <pre>{@code
 * Switch.run(sw -> {
 *   FileIn in = dir.openIn(sw, "big.iso");
 *   Flow.copy(in, socketSink); // sendfile(2) underneath
 * });
 * }</pre>
 */
public final class FileIn implements Source, AutoCloseable {
  private final OpenFile file;
  private final Source source;

  FileIn(Switch sw, FileChannel channel, String path) {
    this.file = new OpenFile(sw, channel, path);
    this.source = Flow.source(channel);
  }

  @Override
  public int read(ByteBuffer dst) {
    return source.read(dst);
  }

  @Override
  public Optional<ReadableByteChannel> readableChannel() {
    return Optional.of(file.channel());
  }

  /** The file's current size in bytes. */
  public long size() {
    return file.size();
  }

  /** The file channel's position: where the next read starts. */
  public long position() {
    return file.position();
  }

  /** Closes the file now, and takes back the switch's hook that would have closed it. */
  @Override
  public void close() {
    file.close();
  }

  @Override
  public String toString() {
    return "FileIn[" + file + "]";
  }

  /** An open channel tied to a switch: closed by its release hook unless closed first. */
  static final class OpenFile {
    private final FileChannel channel;
    private final String path;
    private final Switch.ReleaseHandle hook;

    OpenFile(Switch sw, FileChannel channel, String path) {
      this.channel = channel;
      this.path = path;
      // On a finished switch this closes the channel at once and throws.
      this.hook = sw.onRelease(channel::close);
    }

    FileChannel channel() {
      return channel;
    }

    long size() {
      try {
        return channel.size();
      } catch (IOException e) {
        throw new UncheckedIOException("size of " + path + " failed", e);
      }
    }

    long position() {
      try {
        return channel.position();
      } catch (IOException e) {
        throw new UncheckedIOException("position of " + path + " failed", e);
      }
    }

    void close() {
      // Removing first keeps a long-lived switch from collecting hooks of closed files.
      hook.remove();
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing " + path + " failed", e);
      }
    }

    @Override
    public String toString() {
      return path + (channel.isOpen() ? "" : ", closed");
    }
  }
}
