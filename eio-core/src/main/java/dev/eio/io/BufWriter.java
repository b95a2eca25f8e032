package dev.eio.io;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.internal.Interrupts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A write buffer in front of a {@link Sink}: small writes are collected and reach the sink
 * together, in one {@code write} call, when the buffer is flushed.
 *
 * <p><b>Coalescing.</b> Writes only copy bytes into the buffer. The buffer goes to the sink in one
 * call on {@link #flush()}, on {@link #close()}, when it reaches its capacity, and, for a writer
 * made with a switch ({@link #of(Switch, Sink)}), by its flusher fiber once the fiber that wrote
 * last stops running: the flusher sleeps until bytes are buffered, then waits while that fiber is
 * still running (on any carrier) and nobody waits for the flush, then takes everything buffered.
 * So a fiber's run of small writes made without blocking, and every write made while an earlier
 * batch is still being written, travel in one sink call, and a writer that then blocks on
 * something else (waiting for a reply) never forgets to flush. A writer that keeps running without
 * blocking (a long computation, {@link Fiber#yield} in a loop) has its bytes sent at the latest
 * {@value #MAX_COALESCE_MILLIS} ms after the flusher woke for them. A write larger than the capacity
 * goes to the sink in a call of its own, after the bytes buffered before it.
 *
 * <p><b>Guarantees.</b> Bytes reach the sink in the order the write calls took effect; the
 * bytes of one write call are never split between sink calls nor interleaved with another fiber's
 * write. A failed sink
 * write (or one cancelled part-way, after which nobody knows which bytes arrived) makes the writer
 * unusable: the failure is thrown by the next {@code write}, {@code flush} or {@code close}, and
 * the buffered bytes are dropped (after a cancelled write, a fiber that is cancelled too gets
 * {@link Cancelled}, any other an {@link IllegalStateException}). With a flusher, only the flusher writes buffered bytes to the
 * sink, so cancelling a writer fiber never cuts a batch; a write larger than the capacity is
 * written by its own fiber. Waiting for the sink (flush, a full buffer) is a cancellation
 * point; a write cancelled while waiting has copied nothing. Memory is at most twice the capacity.
 * {@code close} flushes and stops the flusher; it does not close the sink, whose owner does.
 * Thread-safe.
 *
 * <pre>{@code
 * BufWriter.with(Flow.of(socketChannel), out -> {
 *   out.writeString("GET / HTTP/1.1\r\n");   // these three writes
 *   out.writeString("Host: example\r\n");    // reach the socket
 *   out.writeString("\r\n");                 // in one write call
 * });                                        // flushed here at the latest
 * }</pre>
 */
public final class BufWriter implements AutoCloseable {
  /** The capacity used when none is given: 64 KiB. */
  public static final int DEFAULT_CAPACITY = 64 * 1024;

  private static final int INITIAL = 4096;
  /** How long the flusher waits at most for a writer that keeps running, in milliseconds. */
  static final int MAX_COALESCE_MILLIS = 200;
  private static final long FIRST_PAUSE_NANOS = 10_000;
  private static final long LONGEST_PAUSE_NANOS = 1_000_000;
  private static final byte[] EMPTY = new byte[0];

  /** The body of {@link #with}. */
  @FunctionalInterface
  public interface Body {
    /** Writes to {@code out}. */
    void run(BufWriter out) throws Exception;
  }

  private final Sink sink;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // All guarded by lock.
  private byte[] buf;
  private byte[] spare = EMPTY;
  private int size;
  private boolean busy; // a batch is being written to the sink
  private boolean closed;
  private Throwable failure;
  // The threads the failure was thrown to: close() throws it to any other, so the owner closing
  // the writer learns that bytes were lost even when another fiber's flush saw the failure first.
  private final Set<Thread> failureReportedTo = Collections.newSetFromMap(new WeakHashMap<>());
  private boolean flusherRunning;
  private int waitingForFlusher; // writers blocked until the flusher takes or sends the buffer
  // Writers between entering write and holding the lock: one parked on the lock (the flusher
  // holds it while it looks) is still in its run of writes, though its thread is WAITING.
  private final AtomicInteger entering = new AtomicInteger();
  private Thread lastWriter; // the thread of the last write that buffered bytes
  private volatile Switch.ReleaseHandle releaseHook; // set before the flusher starts
  private long appended; // bytes accepted by write calls, ever
  private long flushed; // bytes the sink accepted, ever

  private BufWriter(Sink sink, int capacity) {
    this.sink = sink;
    this.capacity = capacity;
    this.buf = new byte[Math.min(INITIAL, capacity)];
  }

  /**
   * A writer whose bytes reach {@code sink} on {@link #flush}, {@link #close} or a full buffer
   * ({@link #DEFAULT_CAPACITY} bytes).
   */
  public static BufWriter of(Sink sink) {
    return of(sink, DEFAULT_CAPACITY);
  }

  /**
   * A writer whose bytes reach {@code sink} on {@link #flush}, {@link #close} or once {@code
   * capacity} bytes are buffered.
   *
   * @throws IllegalArgumentException when {@code capacity} is below 1
   */
  public static BufWriter of(Sink sink, int capacity) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    return new BufWriter(sink, capacity);
  }

  /**
   * A writer with a flusher fiber, a daemon of {@code sw}, that sends buffered bytes to {@code
   * sink} as soon as it gets to run; capacity {@link #DEFAULT_CAPACITY}. The flusher stops on
   * {@link #close} or when the switch ends; close the writer before then, or buffered bytes are
   * lost.
   *
   * @throws WrongThreadException when the caller may not fork into {@code sw}
   */
  public static BufWriter of(Switch sw, Sink sink) {
    return of(sw, sink, DEFAULT_CAPACITY);
  }

  /** As {@link #of(Switch, Sink)}, with the given capacity. */
  public static BufWriter of(Switch sw, Sink sink, int capacity) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    BufWriter w = of(sink, capacity);
    w.flusherRunning = true; // before the fork: the flusher clears it when it stops
    // A daemon cancelled before it ever ran never clears the flag itself: the switch's release
    // does, so writers left waiting for it send the buffer themselves.
    w.releaseHook = sw.onRelease(w::flusherStopped);
    sw.forkDaemon(w::runFlusher);
    return w;
  }

  /**
   * Runs {@code body} with a writer over {@code sink} (with a flusher fiber in a switch of its
   * own) and closes it, flushing, when the body returns. When the body fails, what it wrote is
   * still flushed and its failure rethrown (a failure of that flush attached as suppressed); when
   * it is cancelled, unflushed bytes are dropped. A failed sink write is thrown from here even if
   * another fiber's {@code flush} saw it first.
   */
  public static void with(Sink sink, Body body) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    if (body == null) {
      throw new NullPointerException("body");
    }
    Switch.run(
        "buf-writer",
        sw -> {
          BufWriter w = of(sw, sink);
          try {
            body.run(w);
          } catch (Throwable t) {
            // As Eio's with_flow: what a failed body wrote is still sent (whether the flusher had
            // sent it already depended on timing), but not what a cancelled body wrote.
            if (!(t instanceof Cancelled) && !Fiber.isCancelled()) {
              try {
                w.close();
              } catch (Throwable f) {
                if (f != t) {
                  t.addSuppressed(f);
                }
              }
            }
            throw t;
          }
          w.close();
        });
  }

  /** The number of bytes buffered at most before a write has to wait for the sink. */
  public int capacity() {
    return capacity;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Appends the remaining bytes of {@code src} (its position moves to its limit), waiting for the
   * sink only when the buffer is full.
   *
   * @throws IllegalStateException when the writer is closed
   * @throws dev.eio.Cancelled when cancelled while waiting for the sink
   * @throws RuntimeException the failure of an earlier sink write
   */
  public void write(ByteBuffer src) {
    while (true) {
      int direct = -1;
      entering.incrementAndGet();
      try {
        lock.lock();
      } finally {
        entering.decrementAndGet();
      }
      try {
        checkUsable();
        int n = src.remaining();
        if (n == 0) {
          return;
        }
        if (n <= capacity - size) {
          if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(capacity, Math.max(size + n, 2L * buf.length)));
          }
          src.get(buf, size, n);
          size += n;
          appended += n;
          lastWriter = Thread.currentThread();
          changed.signalAll();
          return;
        }
        if (n >= capacity && size == 0 && !busy) {
          // Too big to buffer and nothing to keep in order before it: hand it over as is.
          busy = true;
          appended += n;
          direct = n;
        } else if (flusherRunning) {
          // No room for the whole write (it is never split): wait for the flusher to take the
          // buffer, deciding and waiting under one lock so its signal cannot be missed.
          awaitFlusher();
          continue;
        }
      } finally {
        lock.unlock();
      }
      if (direct >= 0) {
        send(src, direct);
        return;
      }
      drainOnce(false);
    }
  }

  /** Appends all of {@code bytes}; see {@link #write(ByteBuffer)}. */
  public void write(byte[] bytes) {
    write(ByteBuffer.wrap(bytes));
  }

  /** Appends {@code len} bytes of {@code bytes} from {@code off}; see {@link #write(ByteBuffer)}. */
  public void write(byte[] bytes, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, bytes.length);
    write(ByteBuffer.wrap(bytes, off, len));
  }

  /** Appends the UTF-8 bytes of {@code s}. */
  public void writeString(String s) {
    write(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Appends the byte {@code c} (a char from 0 to 255, as {@link BufReader#anyChar()} returns).
   *
   * @throws IllegalArgumentException when {@code c} is above 255
   */
  public void writeChar(char c) {
    if (c > 0xFF) {
      throw new IllegalArgumentException(
          "c must be a byte value (0 to 255), got U+" + String.format("%04X", (int) c));
    }
    write(new byte[] {(byte) c});
  }

  /**
   * Appends one byte, {@code b}, which may be given signed (-128 to 127) or unsigned (0 to 255).
   *
   * @throws IllegalArgumentException when {@code b} is outside -128 to 255
   */
  public void writeByte(int b) {
    if (b < -128 || b > 255) {
      throw new IllegalArgumentException("b must be between -128 and 255, got " + b);
    }
    write(new byte[] {(byte) b});
  }

  /** Appends the low 16 bits of {@code v}, big-endian. */
  public void writeInt16BE(int v) {
    write(ByteBuffer.allocate(2).putShort(0, (short) v));
  }

  /** Appends the low 16 bits of {@code v}, little-endian. */
  public void writeInt16LE(int v) {
    write(ByteBuffer.allocate(2).putShort(0, Short.reverseBytes((short) v)));
  }

  /** Appends {@code v}, 4 bytes big-endian. */
  public void writeInt32BE(int v) {
    write(ByteBuffer.allocate(4).putInt(0, v));
  }

  /** Appends {@code v}, 4 bytes little-endian. */
  public void writeInt32LE(int v) {
    write(ByteBuffer.allocate(4).putInt(0, Integer.reverseBytes(v)));
  }

  /** Appends {@code v}, 8 bytes big-endian. */
  public void writeInt64BE(long v) {
    write(ByteBuffer.allocate(8).putLong(0, v));
  }

  /** Appends {@code v}, 8 bytes little-endian. */
  public void writeInt64LE(long v) {
    write(ByteBuffer.allocate(8).putLong(0, Long.reverseBytes(v)));
  }

  // ------------------------------------------------------------------ flushing

  /**
   * Returns once every byte written before this call has been accepted by the sink, writing the
   * buffer itself when there is no running flusher to do it; that holds even if another fiber
   * closes the writer meanwhile.
   *
   * @throws dev.eio.Cancelled when cancelled while waiting
   * @throws RuntimeException the failure of this or an earlier sink write
   */
  public void flush() {
    long target;
    lock.lock();
    try {
      checkUsable();
      target = appended;
    } finally {
      lock.unlock();
    }
    while (true) {
      lock.lock();
      try {
        // Done before anything else: bytes the sink accepted stay flushed even if another fiber
        // closed the writer (or a later batch failed) while this flush waited.
        if (flushed >= target) {
          return;
        }
        checkUsable();
        if (flusherRunning) {
          awaitFlusher();
          continue;
        }
      } finally {
        lock.unlock();
      }
      drainOnce(false);
    }
  }

  /**
   * Flushes, then closes the writer (later writes throw {@link IllegalStateException}) and stops
   * its flusher. Closing again does nothing. Does not close the sink.
   *
   * @throws RuntimeException the failure of a sink write, unless it was already thrown to the
   *     calling thread (so that try-with-resources does not see it twice): a writer whose bytes
   *     were lost never closes silently for its owner, even when another fiber saw the failure
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (failure != null) {
        closed = true;
        changed.signalAll();
        if (!failureReportedTo.contains(Thread.currentThread())) {
          throwFailure();
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    try {
      flush();
    } finally {
      lock.lock();
      try {
        closed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Throws that the writer is closed, or the recorded failure. Called holding the lock. */
  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("BufWriter is closed");
    }
    if (failure != null) {
      throwFailure();
    }
  }

  private void throwFailure() {
    Throwable f = failure;
    if (f instanceof Cancelled c) {
      // The cancelled fiber got its Cancelled. A fiber cancelled as well (a timeout around the
      // switch that owns the flusher) gets its own, so the timeout is not taken for a failure;
      // to anyone else this is a broken writer.
      Interrupts.check();
      failureReportedTo.add(Thread.currentThread());
      throw new IllegalStateException(
          "BufWriter unusable: a write to the sink was cancelled part-way", c);
    }
    failureReportedTo.add(Thread.currentThread());
    if (f instanceof Error e) {
      throw e;
    }
    throw (RuntimeException) f;
  }

  /**
   * Sends the buffered bytes to the sink in one call, after waiting for a batch already under
   * way; returns at once when nothing is buffered. For the flusher, a closed or failed writer
   * just means there is nothing left to do (the writer reports failures). Writers call it only
   * when no flusher runs, so that cancelling a writer never cuts a batch in half.
   */
  private void drainOnce(boolean flusher) {
    byte[] batch;
    int n;
    lock.lock();
    try {
      while (busy) {
        if (flusher && (closed || failure != null)) {
          return;
        }
        checkUsable();
        await();
      }
      if (flusher && (closed || failure != null)) {
        return;
      }
      checkUsable();
      if (size == 0) {
        return;
      }
      // A cancelled fiber must not start a batch: the sink would fail it before writing a byte
      // and the writer would be broken for everyone.
      Interrupts.check();
      batch = buf;
      n = size;
      // The spare (the previous batch's array) becomes the buffer; it must then stop being the
      // spare, or a later drain would hand the array being sent back to the writers.
      if (spare.length >= Math.min(INITIAL, capacity)) {
        buf = spare;
      } else {
        buf = new byte[buf.length];
      }
      spare = EMPTY;
      size = 0;
      busy = true;
      changed.signalAll(); // writers waiting for room have it now
    } finally {
      lock.unlock();
    }
    try {
      send(ByteBuffer.wrap(batch, 0, n), n);
    } finally {
      lock.lock();
      try {
        spare = batch;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Writes {@code bytes} to the sink holding the busy token; records a failure. */
  private void send(ByteBuffer bytes, int n) {
    boolean ok = false;
    try {
      sink.write(bytes);
      ok = true;
    } catch (Throwable t) {
      lock.lock();
      try {
        if (failure == null) {
          failure = t;
        }
        size = 0; // the stream is broken: what is buffered can never be delivered in order
      } finally {
        lock.unlock();
      }
      throw t;
    } finally {
      lock.lock();
      try {
        busy = false;
        if (ok) {
          flushed += n;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void await() {
    Interrupts.check();
    try {
      changed.await();
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    }
  }

  /** Waits for the flusher, telling it not to wait for the writers to go idle. Holds the lock. */
  private void awaitFlusher() {
    waitingForFlusher++;
    changed.signalAll();
    try {
      await();
    } finally {
      waitingForFlusher--;
    }
  }

  /**
   * Waits, holding the lock, while the fiber that wrote last is still running (so it may write
   * more), or a writer is waiting for the lock to write, and no writer waits for the flusher, for
   * {@link #MAX_COALESCE_MILLIS} at most. Its thread's state is the only sign available that it
   * blocked: a virtual thread parked anywhere (a socket, a lock, a channel) is no longer
   * RUNNABLE; so the batch is taken as soon as it does.
   */
  private void awaitIdleWriter() {
    long deadline = System.nanoTime() + MAX_COALESCE_MILLIS * 1_000_000L;
    long pause = FIRST_PAUSE_NANOS;
    while (size > 0 && !closed && failure == null && waitingForFlusher == 0) {
      Thread w = lastWriter;
      // The state first, then the count: a writer parks on the lock only after counting itself
      // in, and cannot get the lock while we hold it, so it is seen in one or the other.
      boolean running = w != null && w.getState() == Thread.State.RUNNABLE;
      if (!running && entering.get() == 0) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        changed.awaitNanos(Math.min(pause, left));
      } catch (InterruptedException e) {
        throw Interrupts.cancelledByInterrupt(e);
      }
      pause = Math.min(2 * pause, LONGEST_PAUSE_NANOS);
    }
  }

  /** The flusher fiber: sends whatever is buffered, until closed, failed or cancelled. */
  private void runFlusher() {
    try {
      while (true) {
        lock.lock();
        try {
          while (size == 0 && !closed && failure == null) {
            await();
          }
          if (failure != null || closed) {
            return;
          }
          // Let the writer finish its run of writes before the batch is taken.
          awaitIdleWriter();
        } finally {
          lock.unlock();
        }
        drainOnce(true);
      }
    } catch (Cancelled c) {
      // The switch is ending (a write cancelled part-way was recorded by send).
    } catch (Throwable t) {
      // A sink failure (the only thing send throws) is already recorded; anything else is
      // recorded here. Either way the writer reports it, and the switch is not failed by it.
      lock.lock();
      try {
        if (failure == null) {
          failure = t;
        }
      } finally {
        lock.unlock();
      }
    } finally {
      flusherStopped();
      // A long-lived switch (a server's) must not collect one hook per closed writer.
      releaseHook.remove();
    }
  }

  /** Writers waiting for the flusher now send the buffer themselves. */
  private void flusherStopped() {
    lock.lock();
    try {
      flusherRunning = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "BufWriter[" + size + " of " + capacity + " buffered"
          + (busy ? ", writing" : "") + (closed ? ", closed" : "")
          + (failure != null ? ", failed: " + failure : "") + "]";
    } finally {
      lock.unlock();
    }
  }
}
