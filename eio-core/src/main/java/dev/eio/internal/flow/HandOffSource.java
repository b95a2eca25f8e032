package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cancellable {@link Source} over an {@link InputStream} whose reads the JDK cannot interrupt
 * (standard input, a child process's output pipes). A helper platform thread does each blocking
 * read when a reader asks for one and hands the chunk over; the reader waits for the hand-off,
 * which a cancellation ends at once.
 *
 * <p>Nothing is lost: a chunk asked for by a read that was cancelled is kept for the next read.
 * Nothing is read early: the stream is read only when a reader has nothing left, at most one
 * chunk at a time. The helper is a platform thread so that a read that blocks for good holds no
 * carrier of the virtual-thread scheduler (ADR 12); it is started by the first read and then
 * waits for the next request until {@link #close} (it cannot be stopped while it blocks in a
 * read: whoever owns the stream ends that read, as killing a child ends its pipes).
 *
 * <p>Concurrent readers take turns; each read returns bytes of one chunk, in stream order.
 */
public final class HandOffSource implements Source {
  private static final Object EOF = new Object();
  private static final Object CLOSED = new Object();
  private static final int CHUNK = 8192;
  private static HandOffSource stdin; // guarded by the class

  private final InputStream in;
  private final String name;
  private final Semaphore asked = new Semaphore(0);
  private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(1);
  private final ReentrantLock reading = new ReentrantLock();
  private volatile String closedBecause;
  // Guarded by reading.
  private boolean helperStarted;
  private boolean waitingForChunk; // asked, and not yet taken
  private ByteBuffer current;

  /** A source over {@code in}; {@code name} names its helper thread. */
  public HandOffSource(InputStream in, String name) {
    if (in == null) {
      throw new NullPointerException("in");
    }
    this.in = in;
    this.name = name;
  }

  /**
   * The source over the process's standard input, {@link System#in} as it is now: one per stream
   * for the whole JVM, so that a chunk one run asked for is there for the next.
   */
  public static synchronized Source stdin() {
    InputStream now = System.in;
    if (stdin == null || stdin.in != now) {
      stdin = new HandOffSource(now, "eio-stdin");
    }
    return stdin;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    try {
      reading.lockInterruptibly();
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    }
    try {
      Interrupts.check();
      if (current == null || !current.hasRemaining()) {
        Object o = takeChunk();
        if (o == EOF) {
          return -1;
        }
        if (o instanceof IOException e) {
          throw IoErrors.unchecked(e);
        }
        current = (ByteBuffer) o;
      }
      int n = Math.min(dst.remaining(), current.remaining());
      dst.put(current.slice(current.position(), n));
      current.position(current.position() + n);
      return n;
    } finally {
      reading.unlock();
    }
  }

  private Object takeChunk() {
    if (!waitingForChunk) {
      if (closedBecause != null) {
        throw closed();
      }
      if (!helperStarted) {
        Thread.ofPlatform().daemon().name(name).start(this::serve);
        helperStarted = true;
      }
      waitingForChunk = true;
      asked.release();
    }
    Object o;
    try {
      o = ready.take(); // takes the chunk or is cancelled, never both
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    }
    waitingForChunk = false;
    if (o == CLOSED) {
      throw closed();
    }
    return o;
  }

  private UncheckedIOException closed() {
    return new UncheckedIOException(new IOException(name + " is closed: " + closedBecause));
  }

  /**
   * Stops the helper once it has no read in progress; later reads that find nothing asked for
   * before fail, saying {@code why}. Does not close the stream.
   */
  public void close(String why) {
    closedBecause = why;
    asked.release(); // wakes a helper waiting for a request, to see the close
  }

  /** The helper: one blocking read per request, for as long as the JVM runs. */
  private void serve() {
    while (true) {
      asked.acquireUninterruptibly();
      if (closedBecause != null) {
        ready.offer(CLOSED); // for a reader that asked as the source closed
        return;
      }
      Object chunk;
      try {
        byte[] b = new byte[CHUNK];
        int n;
        do {
          n = in.read(b);
        } while (n == 0);
        chunk = n < 0 ? EOF : ByteBuffer.wrap(b, 0, n);
      } catch (IOException e) {
        chunk = e;
      }
      // The one request is outstanding until its chunk is taken: there is always room.
      ready.add(chunk);
    }
  }

  @Override
  public String toString() {
    return "Source[" + name + "]";
  }
}
