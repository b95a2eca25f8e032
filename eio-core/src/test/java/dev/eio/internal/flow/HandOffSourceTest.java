package dev.eio.internal.flow;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HandOffSource}: cancellable reads of a stream the JDK cannot interrupt. */
@Timeout(30)
class HandOffSourceTest {

  /**
   * Stands for standard input: a read waits, uninterruptibly, until the test feeds a chunk, ends
   * the stream or makes it fail.
   */
  private static final class GatedStream extends InputStream {
    private static final byte[] END = new byte[0];
    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    final AtomicInteger readsStarted = new AtomicInteger();

    void feed(String s) {
      chunks.add(s.getBytes(UTF_8));
    }

    void end() {
      chunks.add(END);
    }

    void fail(IOException e) {
      chunks.add(e);
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException("reads come in chunks");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      readsStarted.incrementAndGet();
      Object o;
      while (true) {
        try {
          o = chunks.take();
          break;
        } catch (InterruptedException e) {
          // As the JDK's read of a pipe: an interrupt does not end it.
        }
      }
      if (o instanceof IOException e) {
        throw e;
      }
      byte[] c = (byte[]) o;
      if (c == END) {
        return -1;
      }
      if (c.length > len) {
        throw new IllegalStateException("the test feeds chunks that fit");
      }
      System.arraycopy(c, 0, b, off, c.length);
      return c.length;
    }
  }

  private static String read(HandOffSource src, int max) {
    ByteBuffer b = ByteBuffer.allocate(max);
    int n = src.read(b);
    return n < 0 ? "<end>" : new String(b.array(), 0, n, UTF_8);
  }

  @Test
  void aCancelledReadEndsAtOnceAndTheInputItAskedForGoesToTheNextRead() {
    GatedStream in = new GatedStream();
    HandOffSource src = new HandOffSource(in, "test-input");
    Promise<Cancel.Context> reading = Promise.create();
    Switch.run(
        sw -> {
          Promise<Throwable> outcome =
              sw.forkPromise(
                  () -> {
                    try {
                      Cancel.sub(
                          ctx -> {
                            reading.resolve(ctx);
                            read(src, 16);
                          });
                      return null;
                    } catch (Cancelled c) {
                      return c;
                    }
                  });
          // The helper is blocked in the stream's read, which no interrupt ends.
          await().until(() -> in.readsStarted.get() == 1);
          reading.await().cancel(new RuntimeException("enough"));
          assertInstanceOf(Cancelled.class, outcome.await(), "the read was cancelled");
        });
    in.feed("hello");
    assertEquals("hello", read(src, 16));
    assertEquals(1, in.readsStarted.get(), "the next read took the chunk the cancelled one asked for");
  }

  @Test
  void theStreamIsReadOnlyWhenAReaderHasNothingLeft() {
    GatedStream in = new GatedStream();
    in.feed("abcdef");
    HandOffSource src = new HandOffSource(in, "test-input");
    assertEquals(0, in.readsStarted.get(), "nothing is read before a reader asks");
    assertEquals("abc", read(src, 3));
    assertEquals("def", read(src, 3));
    assertEquals(1, in.readsStarted.get(), "the rest of a chunk is served without reading again");
    in.feed("g");
    assertEquals("g", read(src, 3));
    assertEquals(2, in.readsStarted.get());
  }

  @Test
  void endOfInputAndReadErrorsReachTheReader() {
    GatedStream in = new GatedStream();
    HandOffSource src = new HandOffSource(in, "test-input");
    in.end();
    assertEquals("<end>", read(src, 8));
    in.fail(new IOException("device gone"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> read(src, 8));
    assertEquals("device gone", e.getCause().getMessage());
    in.feed("after");
    assertEquals("after", read(src, 8), "a read after an error asks the stream again");
  }

  @Test
  void anAlreadyCancelledFiberReadsNothing() {
    GatedStream in = new GatedStream();
    in.feed("kept");
    HandOffSource src = new HandOffSource(in, "test-input");
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("before the read"));
                  read(src, 8);
                }));
    assertEquals(0, in.readsStarted.get());
    assertEquals("kept", read(src, 8));
  }
}
