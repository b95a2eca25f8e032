package dev.eio.internal.fs;

import dev.eio.internal.Interrupts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * Opens a FIFO (named pipe) cancellably and without holding a carrier thread. {@code open(2)} of
 * a FIFO waits until its other end is opened too, and no interrupt ends that wait: a fiber doing
 * it would pin its carrier and ignore cancellation. Here a platform helper thread opens while
 * the fiber waits; a cancelled fiber releases the helper by opening the FIFO for reading and
 * writing at once (which does not wait, on Linux and macOS, and counts as the missing end), and
 * the channel the helper then gets is closed.
 */
public final class FifoOpen {
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final long RELEASE_NANOS = 10_000_000_000L;
  private static final long PAUSE_NANOS = 5_000_000L;

  private FifoOpen() {}

  /** An open done by the helper, or the releasing open; each walks to the FIFO on its own. */
  @FunctionalInterface
  public interface Opener {
    /** Opens the FIFO. */
    FileChannel open() throws IOException;
  }

  /** Whether {@code path} itself is a FIFO; false when that cannot be told. */
  public static boolean isFifo(Path path) {
    try {
      Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & S_IFMT) == S_IFIFO;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Runs {@code open} on a helper thread and waits for it cancellably; when cancelled, runs
   * {@code release} (an open for reading and writing) until the helper's open has returned.
   *
   * @throws dev.eio.Cancelled when the calling fiber is cancelled while the other end is missing
   * @throws IOException when the open fails
   */
  public static FileChannel open(Opener open, Opener release) throws IOException {
    Interrupts.check();
    CompletableFuture<FileChannel> opened = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("eio-fifo-open")
        .start(
            () -> {
              try {
                opened.complete(open.open());
              } catch (Throwable t) {
                opened.completeExceptionally(t);
              }
            });
    try {
      return opened.get();
    } catch (InterruptedException e) {
      release(release, opened);
      throw Interrupts.cancelledByInterrupt(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }

  /** Ends the helper's wait for the other end, and closes whatever it opens. */
  private static void release(Opener release, CompletableFuture<FileChannel> opened) {
    opened.thenAccept(FifoOpen::closeQuietly);
    // The kernel wakes a waiting open only for an open that comes after it started waiting, and
    // the helper may not be waiting yet: repeat until its open returned, for a bounded time. The
    // caller is being cancelled, so its interrupt status is set aside while it waits here (a
    // wait that an interrupt ends would return at once and leave the helper blocked).
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + RELEASE_NANOS;
    while (!opened.isDone() && System.nanoTime() - deadline < 0) {
      try {
        closeQuietly(release.open());
      } catch (IOException | RuntimeException gone) {
        // the FIFO went away: the helper's open fails or returned already
      }
      LockSupport.parkNanos(opened, PAUSE_NANOS);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nobody uses this channel: closing it is all there is to do
    }
  }
}
