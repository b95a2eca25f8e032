package dev.eio.process;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A child's output pipe as a cancellable {@link Source}. The JDK cannot interrupt a read of a
 * process pipe, so a helper thread (not a fiber of any switch) does the blocking reads and hands
 * chunks over a small queue; a fiber waiting on the queue is cancelled like any other. The helper
 * ends at end of output, which the switch's kill of the process brings about, or at {@link
 * #close()}.
 *
 * <p>The helpers of pipes are platform threads. A virtual thread blocked in a pipe read or write
 * holds its carrier for as long as it blocks; the JDK lends the scheduler a spare carrier
 * meanwhile, but only up to {@code jdk.virtualThreadScheduler.maxPoolSize}, and once every carrier
 * is held by such a thread no fiber runs at all, not even the one that would end the child.
 */
final class PipeIn implements Source {
  private static final Object EOF = new Object();
  private static final int CHUNK = 8192;

  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
  private final Thread reader;
  private final String name;
  private volatile boolean closed;
  // Reader side, one reader at a time as for every Source.
  private ByteBuffer current;
  private boolean ended;

  PipeIn(InputStream in, String name) {
    this.name = name;
    this.reader = helper(name, () -> pump(in));
    reader.start();
  }

  /** An unstarted helper thread for a pipe's blocking reads or writes; see the class comment. */
  static Thread helper(String name, Runnable task) {
    return Thread.ofPlatform().daemon().name(name).unstarted(task);
  }

  private void pump(InputStream in) {
    try {
      while (!closed) {
        byte[] b = new byte[CHUNK];
        int n = in.read(b);
        if (n < 0) {
          break;
        }
        queue.put(ByteBuffer.wrap(b, 0, n));
      }
      queue.put(EOF);
    } catch (IOException e) {
      try {
        queue.put(e);
      } catch (InterruptedException closedMeanwhile) {
        // close() interrupted us: nobody reads any more.
      }
    } catch (InterruptedException e) {
      // close() interrupted us: nobody reads any more.
    }
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    Interrupts.check();
    if (current == null || !current.hasRemaining()) {
      if (ended) {
        return -1;
      }
      if (closed && queue.isEmpty()) {
        throw new UncheckedIOException(new IOException(name + " is closed: its switch has ended"));
      }
      Object o;
      try {
        o = queue.take(); // either takes a chunk or is cancelled, never both
      } catch (InterruptedException e) {
        throw Interrupts.cancelledByInterrupt(e);
      }
      if (o == EOF) {
        ended = true;
        return -1;
      }
      if (o instanceof IOException e) {
        ended = true;
        throw IoErrors.unchecked(e);
      }
      current = (ByteBuffer) o;
    }
    int n = Math.min(dst.remaining(), current.remaining());
    ByteBuffer slice = current.slice(current.position(), n);
    dst.put(slice);
    current.position(current.position() + n);
    return n;
  }

  /** Stops the helper once the process is dead; later reads fail once the queue is drained. */
  void close() {
    closed = true;
    reader.interrupt();
  }

  @Override
  public String toString() {
    return "Source[" + name + "]";
  }
}
