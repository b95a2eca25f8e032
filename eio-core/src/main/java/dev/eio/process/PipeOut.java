package dev.eio.process;

import dev.eio.internal.Interrupts;
import dev.eio.io.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A child's input pipe as a cancellable {@link Sink}. A write to a full pipe cannot be
 * interrupted in the JDK, so a helper thread does the blocking writes from a small queue; a fiber
 * waiting for room is cancelled like any other, and the bytes it had queued stay queued (the
 * buffer's position tells how many were accepted). The helper is a platform thread, as {@link
 * dev.eio.internal.flow.HandOffSource}'s.
 */
final class PipeOut implements Sink {
  private static final int CHUNK = 64 * 1024;

  private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
  private final OutputStream out;
  private final Thread writer;
  private final String name;
  private volatile IOException broken;
  private volatile boolean closed; // by the user: no more writes
  private volatile boolean released; // by the switch: the process is gone

  PipeOut(OutputStream out, String name) {
    this.out = out;
    this.name = name;
    this.writer = helper(name, this::pump);
    writer.start();
  }

  /**
   * An unstarted helper thread for a pipe's blocking writes or reads: a platform thread, since a
   * virtual thread blocked in a pipe holds its carrier (ADR 12).
   */
  static Thread helper(String name, Runnable task) {
    return Thread.ofPlatform().daemon().name(name).unstarted(task);
  }

  private void pump() {
    try {
      while (true) {
        send(queue.take());
      }
    } catch (InterruptedException e) {
      // close() or release() woke us. After close, what was queued still goes to the process.
      if (!released) {
        Object o;
        while ((o = queue.poll()) != null && !released) {
          send(o);
        }
      }
    } finally {
      try {
        out.close();
      } catch (IOException ignored) {
        // The process sees end of input either way.
      }
    }
  }

  private void send(Object o) {
    if (broken != null) {
      return; // keep taking, so writers never block on a dead process
    }
    ByteBuffer b = (ByteBuffer) o;
    try {
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      out.flush();
    } catch (IOException e) {
      // The process closed its input or died.
      broken = e;
    }
  }

  @Override
  public void write(ByteBuffer src) {
    if (!src.hasRemaining()) {
      return;
    }
    Interrupts.check();
    while (src.hasRemaining()) {
      check();
      int n = Math.min(CHUNK, src.remaining());
      byte[] chunk = new byte[n];
      src.get(src.position(), chunk);
      try {
        queue.put(ByteBuffer.wrap(chunk));
      } catch (InterruptedException e) {
        throw Interrupts.cancelledByInterrupt(e);
      }
      src.position(src.position() + n);
    }
  }

  private void check() {
    if (released) {
      throw new UncheckedIOException(new IOException(name + " is closed: its switch has ended"));
    }
    if (closed) {
      throw new UncheckedIOException(new IOException(name + " was closed"));
    }
    IOException b = broken;
    if (b != null) {
      throw new UncheckedIOException(name + ": the process no longer reads its input", b);
    }
  }

  /**
   * No more input: the process reads end of input after what was written. Never blocks (the
   * helper sends what is queued, then closes the pipe). Idempotent.
   */
  void close() {
    closed = true;
    writer.interrupt();
  }

  /** Stops the helper: the process is dead. */
  void release() {
    released = true;
    writer.interrupt();
  }

  @Override
  public String toString() {
    return "Sink[" + name + "]";
  }
}
