package dev.eio.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BufWriterTest {

  /** Records each write call; the first call can be held until {@link #release} resolves. */
  static final class CountingSink implements Sink {
    final List<String> calls = new ArrayList<>();
    final Promise<Void> entered = Promise.create();
    final Promise<Void> release;
    RuntimeException failWith;

    CountingSink(boolean holdFirstCall) {
      release = holdFirstCall ? Promise.create() : Promise.resolved(null);
    }

    @Override
    public void write(ByteBuffer src) {
      entered.tryResolve(null);
      release.await();
      byte[] b = new byte[src.remaining()];
      src.get(b);
      synchronized (this) {
        if (failWith != null) {
          throw failWith;
        }
        calls.add(new String(b, UTF_8));
      }
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }

    synchronized String all() {
      return String.join("", calls);
    }
  }

  @Test
  void smallWritesBeforeAFlushGoInOneWriteCall() {
    CountingSink sink = new CountingSink(false);
    BufWriter w = BufWriter.of(sink);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      w.writeString("line " + i + "\n");
      expected.append("line ").append(i).append('\n');
    }
    assertEquals(List.of(), sink.calls(), "nothing reaches the sink before the flush");
    w.flush();
    assertEquals(List.of(expected.toString()), sink.calls());
    w.flush();
    assertEquals(1, sink.calls().size(), "an empty flush writes nothing");
  }

  @Test
  void writesMadeWhileTheSinkIsBusyAreCoalescedIntoOneCall() {
    CountingSink sink = new CountingSink(true);
    Switch.run(
        sw -> {
          BufWriter w = BufWriter.of(sw, sink);
          w.writeString("first;");
          sink.entered.await(); // the flusher took "first;" and is held inside the sink
          for (int i = 0; i < 500; i++) {
            w.writeString(i + ",");
          }
          sink.release.resolve(null);
          w.close();
        });
    List<String> calls = sink.calls();
    assertEquals(2, calls.size(), "one call in flight, one for everything written meanwhile");
    assertEquals("first;", calls.get(0));
    assertTrue(calls.get(1).startsWith("0,1,2,") && calls.get(1).endsWith("498,499,"));
  }

  @Test
  void theFlusherSendsBufferedBytesWithoutAnExplicitFlush() {
    CountingSink sink = new CountingSink(false);
    Switch.run(
        sw -> {
          BufWriter w = BufWriter.of(sw, sink);
          w.writeString("request");
          // A writer that now waits for a reply must not have to flush first.
          await().until(() -> sink.all().equals("request"));
          w.close();
        });
  }

  @Test
  void aWriteThatDoesNotFitSendsTheBufferFirstAndIsNeverSplit() {
    CountingSink sink = new CountingSink(false);
    BufWriter w = BufWriter.of(sink, 4);
    w.writeString("abc");
    w.writeString("de"); // does not fit beside "abc": "abc" goes first
    assertEquals(List.of("abc"), sink.calls());
    w.writeString("fghij"); // bigger than the capacity: "de", then it, each whole
    assertEquals(List.of("abc", "de", "fghij"), sink.calls());
    w.writeString("k");
    w.close();
    assertEquals(List.of("abc", "de", "fghij", "k"), sink.calls());
  }

  @Test
  void closeFlushesAndLaterWritesAreRejected() {
    CountingSink sink = new CountingSink(false);
    BufWriter w = BufWriter.of(sink);
    w.writeString("bye");
    w.close();
    assertEquals("bye", sink.all());
    w.close(); // twice is fine
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.writeByte(1));
    assertEquals("BufWriter is closed", e.getMessage());
    assertThrows(IllegalStateException.class, w::flush);
  }

  @Test
  void aFailedFlushByTheFlusherIsReportedToTheWriter() {
    CountingSink sink = new CountingSink(true);
    UncheckedIOException boom = new UncheckedIOException(new IOException("connection reset"));
    Switch.run(
        sw -> {
          BufWriter w = BufWriter.of(sw, sink);
          w.writeString("doomed");
          sink.entered.await();
          synchronized (sink) {
            sink.failWith = boom;
          }
          sink.release.resolve(null);
          await().until(() -> w.toString().contains("failed"));
          assertSame(boom, assertThrows(UncheckedIOException.class, () -> w.writeString("x")));
          assertSame(boom, assertThrows(UncheckedIOException.class, w::flush));
          w.close(); // already reported: close does not throw it again
        });
    assertEquals(List.of(), sink.calls());
  }

  @Test
  void aFailureNotYetSeenIsReportedByClose() {
    CountingSink sink = new CountingSink(false);
    UncheckedIOException boom = new UncheckedIOException(new IOException("disk full"));
    sink.failWith = boom;
    BufWriter w = BufWriter.of(sink);
    w.writeString("data");
    assertSame(boom, assertThrows(UncheckedIOException.class, w::close));
    assertThrows(IllegalStateException.class, () -> w.writeString("more"));
  }

  @Test
  void aWriteCancelledWhileWaitingForTheSinkWritesNothing() {
    CountingSink sink = new CountingSink(true);
    BufWriter w = BufWriter.of(sink, 4);
    Switch.run(
        sw -> {
          w.writeString("abcd");
          Promise<Void> flushed = sw.forkPromise(() -> {
            w.flush();
            return null;
          });
          sink.entered.await(); // "abcd" is in the sink, held
          w.writeString("efgh"); // fits in the now empty buffer
          RuntimeException why = new RuntimeException("give up");
          Cancelled c =
              assertThrows(
                  Cancelled.class,
                  () ->
                      Cancel.sub(
                          ctx ->
                              Switch.run(
                                  inner -> {
                                    inner.fork(() -> w.writeString("i")); // must wait: full
                                    inner.fork(
                                        () -> {
                                          await().until(() -> w.toString().contains("4 of 4"));
                                          ctx.cancel(why);
                                        });
                                  })));
          assertSame(why, c.reason());
          sink.release.resolve(null);
          flushed.await();
          w.close();
        });
    assertEquals(List.of("abcd", "efgh"), sink.calls(), "the cancelled write left no byte");
  }

  @Test
  void aFiberCancelledTogetherWithTheFlusherGetsCancelledNotABrokenWriter() {
    // A timeout around a switch that owns a writer cancels the flusher in the middle of its sink
    // write and the writing fiber too: the writing fiber must see its cancellation (the timeout),
    // not a broken writer that would escape the timeout as a failure. Found by the soak.
    CountingSink sink = new CountingSink(true);
    RuntimeException why = new RuntimeException("deadline");
    BufWriter[] writer = new BufWriter[1];
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Cancel.sub(
                    ctx ->
                        Switch.run(
                            sw -> {
                              BufWriter w = BufWriter.of(sw, sink);
                              writer[0] = w;
                              w.writeString("first");
                              sink.entered.await(); // the flusher holds "first" in the sink
                              Cancel.protect(
                                  () -> {
                                    ctx.cancel(why); // the flusher's sink write and this fiber
                                    await().until(() -> w.toString().contains("failed"));
                                  });
                              w.writeString("second"); // room in the buffer: no wait
                            })));
    assertSame(why, c.reason());
    // To a fiber that is not cancelled, the writer is broken.
    assertThrows(IllegalStateException.class, () -> writer[0].writeString("third"));
    assertEquals(List.of(), sink.calls());
  }

  @Test
  void aWriterOutlivingItsFlusherSendsTheBufferItself() {
    CountingSink sink = new CountingSink(false);
    BufWriter w = Switch.call(sw -> BufWriter.of(sw, sink));
    w.writeString("late");
    w.writeString("r");
    w.flush();
    assertEquals(List.of("later"), sink.calls());
    w.close();
  }

  @Test
  void withClosesTheWriterWhenTheBodyReturns() {
    BufferSink out = Flow.bufferSink();
    BufWriter.with(
        out,
        w -> {
          w.writeString("héllo ");
          w.writeChar('w');
          w.write("orld".getBytes(UTF_8));
        });
    assertEquals("héllo world", out.toString());
  }

  @Test
  void integersWrittenAreReadBackByBufReader() {
    BufferSink out = Flow.bufferSink();
    BufWriter w = BufWriter.of(out);
    w.writeByte(255);
    w.writeByte(-1);
    w.writeInt16BE(0x1234);
    w.writeInt16LE(-2);
    w.writeInt32BE(0xDEADBEEF);
    w.writeInt32LE(7);
    w.writeInt64BE(Long.MIN_VALUE);
    w.writeInt64LE(0x0102030405060708L);
    w.close();
    BufReader r = BufReader.of(Flow.ofBytes(out.toByteArray()));
    assertEquals(255, r.uint8());
    assertEquals(-1, r.int8());
    assertEquals(0x1234, r.uint16BE());
    assertEquals(-2, r.int16LE());
    assertEquals(0xDEADBEEF, r.int32BE());
    assertEquals(7, r.int32LE());
    assertEquals(Long.MIN_VALUE, r.int64BE());
    assertEquals(0x0102030405060708L, r.int64LE());
    r.endOfInput();
  }

  @Test
  void badArgumentsNameTheArgument() {
    assertEquals(
        "capacity must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> BufWriter.of(Flow.bufferSink(), 0))
            .getMessage());
    BufWriter w = BufWriter.of(Flow.bufferSink());
    assertEquals(
        "b must be between -128 and 255, got 256",
        assertThrows(IllegalArgumentException.class, () -> w.writeByte(256)).getMessage());
  }
}
