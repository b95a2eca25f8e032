package dev.eio.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufWriterTest.CountingSink;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/buf_write.md, case by case, against {@link BufWriter}. Eio's {@code with_flow} is
 * {@link BufWriter#with}; its flusher sends the buffer when the writing fiber yields. Ours sends
 * it once the writing fiber blocks (fibers run in parallel, see ADR 27), so where Eio yields
 * between writes the test blocks instead ({@link #pause}), and the sink calls are Eio's. Eio's
 * {@code schedule_cstruct}, {@code pause}, {@code printf}, {@code await_batch}, {@code
 * serialize} and {@code abort} have no counterpart; their cases test what does the job here,
 * said at each case and in the README.
 */
@Timeout(30)
class EioBufWriterConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  /** Blocks the calling fiber until {@code sink} has received {@code n} calls. */
  private static void pause(CountingSink sink, int n) {
    Awaitility.await().pollInterval(java.time.Duration.ofMillis(1)).until(() -> sink.calls().size() >= n);
  }

  /** buf_write.md, "A simple run-through": a run of small writes is one sink call. */
  @Test
  void aRunOfSmallWritesIsOneSinkCall() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        w -> {
          w.writeString("Hello");
          w.writeChar(' ');
          w.writeString("world");
        });
    assertEquals(List.of("Hello world"), flow.calls());
  }

  /**
   * buf_write.md, "Auto-commit" and "Pausing" (without pausing): when the writer blocks, what it
   * wrote so far is sent. (Eio sends on a yield; ours when the fiber blocks, and within 200 ms
   * for one that keeps running.)
   */
  @Test
  void whatWasWrittenIsSentWhenTheWriterBlocks() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        w -> {
          w.writeString("Hello");
          w.writeChar(' ');
          pause(flow, 1);
          w.writeString("world");
        });
    assertEquals(List.of("Hello ", "world"), flow.calls());
  }

  /**
   * buf_write.md, "Read source buffer": we have no {@code schedule_cstruct}; a {@code
   * ByteBuffer} is copied into the batch like any write, and the run is still one call.
   */
  @Test
  void aByteBufferWriteJoinsTheBatch() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        w -> {
          w.writeString("Hello");
          w.writeChar(' ');
          w.write(ByteBuffer.wrap("world".getBytes(ISO_8859_1)));
          w.writeChar('!');
        });
    assertEquals(List.of("Hello world!"), flow.calls());
  }

  /**
   * buf_write.md, "Pausing" (with pausing): we have no {@code pause}; a writer made without a
   * switch has no flusher and sends only on {@code flush}, {@code close} or a full buffer, so
   * blocking in between does not split the batch.
   */
  @Test
  void aWriterWithoutFlusherSendsOnlyWhenFlushed() {
    CountingSink flow = new CountingSink(false);
    BufWriter w = BufWriter.of(flow);
    w.writeString("Hello... ");
    Awaitility.await().pollDelay(java.time.Duration.ofMillis(20)).until(() -> true);
    w.writeString("world");
    assertEquals(List.of(), flow.calls());
    w.close();
    assertEquals(List.of("Hello... world"), flow.calls());
  }

  /** buf_write.md, "Empty writes": nothing reaches the sink. */
  @Test
  void emptyWritesWriteNothing() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        t -> {
          t.writeString("");
          t.write(new byte[0]);
          t.write(new byte[3], 1, 0);
          t.write(ByteBuffer.allocate(0));
          t.flush();
        });
    assertEquals(List.of(), flow.calls());
  }

  /** buf_write.md, "Endianness". */
  @Test
  void endianness() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        t -> {
          t.writeInt16LE(5);
          pause(flow, 1);
          t.writeInt16BE(5);
        });
    assertEquals(List.of("\u0005\u0000", "\u0000\u0005"), flow.calls().stream().map(EioBufWriterConformanceTest::latin1).toList());
  }

  private static String latin1(String utf8) {
    return new String(utf8.getBytes(java.nio.charset.StandardCharsets.UTF_8), ISO_8859_1);
  }

  /** buf_write.md, "Writes" and "Scheduling": each kind of write, sent in order. */
  @Test
  void eachKindOfWriteInOrder() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        t -> {
          t.writeString("test");
          pause(flow, 1);
          t.write("test".getBytes(ISO_8859_1));
          pause(flow, 2);
          t.write("!test!".getBytes(ISO_8859_1), 1, 4);
          pause(flow, 3);
          t.writeChar('A');
          pause(flow, 4);
          t.write(ByteBuffer.wrap("one".getBytes(ISO_8859_1)));
          t.writeString("two");
          pause(flow, 5);
          t.writeString("one");
          t.write(ByteBuffer.wrap("two".getBytes(ISO_8859_1)));
          pause(flow, 6);
          t.write(ByteBuffer.wrap("end".getBytes(ISO_8859_1)));
          pause(flow, 7);
          trace.add("Should all be flushed by now.");
        });
    assertEquals(List.of("test", "test", "test", "A", "onetwo", "onetwo", "end"), flow.calls());
    assertEquals(List.of("Should all be flushed by now."), trace);
  }

  /**
   * buf_write.md, "Multiple writes": with room, one call; without room ({@code initial_size:1};
   * here a capacity of 2), the same bytes in order, no call holding more than the capacity and
   * no write split.
   */
  @Test
  void withoutRoomTheWritesGoInSeveralCalls() {
    BiConsumer<BufWriter, Void> f =
        (t, unused) -> {
          t.writeString("te");
          t.writeString("st");
          t.writeString("te");
          t.writeString("st");
          t.writeChar('t');
          t.writeChar('e');
        };
    CountingSink roomy = new CountingSink(false);
    BufWriter.with(roomy, t -> f.accept(t, null));
    assertEquals(List.of("testtestte"), roomy.calls());

    CountingSink tight = new CountingSink(false);
    Switch.run(
        sw -> {
          BufWriter t = BufWriter.of(sw, tight, 2);
          f.accept(t, null);
          t.close();
        });
    assertEquals("testtestte", tight.all());
    for (String call : tight.calls()) {
      assertTrue(call.length() <= 2 && !call.isEmpty(), tight.calls().toString());
      assertTrue(List.of("te", "st", "t", "e").contains(call), tight.calls().toString());
    }
  }

  /**
   * buf_write.md, "Formatting": we have no {@code printf} or formatter; text is formatted with
   * {@code String.format} and written, and Eio's {@code @.} (newline and flush) is a newline and
   * {@link BufWriter#flush}.
   */
  @Test
  void formattedTextAndExplicitFlushes() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        t -> {
          t.writeString(String.format("Write.printf can force a full flush%n"));
          t.flush();
          t.writeString(String.format("This is a %s call to printf", "second"));
          t.writeString("\n");
          t.flush();
          t.writeString(String.format("Flushed. %s%n", "Goodbye"));
        });
    assertEquals(
        List.of(
            String.format("Write.printf can force a full flush%n"),
            "This is a second call to printf\n",
            String.format("Flushed. Goodbye%n")),
        flow.calls());
  }

  /**
   * buf_write.md, "Flushing": a flush returns once the sink has taken the bytes. (Eio's mock
   * sink takes 3 bytes, then 2; ours takes the whole batch in one call.)
   */
  @Test
  void flushWaitsForTheSink() {
    CountingSink flow = new CountingSink(true);
    BufWriter.with(
        flow,
        t ->
            Fiber.both(
                () -> {
                  t.flush();
                  t.writeString("Hello");
                  trace.add("Flushing...");
                  t.flush();
                  trace.add("Flushed: " + flow.calls());
                },
                () -> {
                  flow.entered.await();
                  trace.add("Write now completes...");
                  flow.release.resolve(null);
                }));
    assertEquals(List.of("Flushing...", "Write now completes...", "Flushed: [Hello]"), trace);
  }

  /**
   * buf_write.md, "Multiple flushes": each fiber's flush returns once its own bytes are in the
   * sink, and no fiber's write is split.
   */
  @Test
  void eachFlushCoversItsFibersWrites() {
    Sink slow =
        new Sink() {
          final StringBuilder got = new StringBuilder();

          @Override
          public void write(ByteBuffer src) {
            Fiber.yield();
            byte[] b = new byte[src.remaining()];
            src.get(b);
            synchronized (this) {
              got.append(new String(b, ISO_8859_1));
            }
          }

          @Override
          public synchronized String toString() {
            return got.toString();
          }
        };
    BufWriter.with(
        slow,
        t ->
            Fiber.all(
                () -> {
                  t.writeString("ab");
                  t.flush();
                  assertTrue(slow.toString().contains("ab"));
                },
                () -> {
                  t.writeString("cd");
                  t.flush();
                  assertTrue(slow.toString().contains("cd"));
                },
                () -> {
                  t.writeString("ef");
                  t.flush();
                  assertTrue(slow.toString().contains("ef"));
                }));
    assertEquals(6, slow.toString().length());
  }

  /** buf_write.md, "Check flush waits for the write to succeed". */
  @Test
  void flushWaitsForASlowWriter() {
    Sink slowWriter =
        src -> {
          Fiber.yield();
          byte[] b = new byte[src.remaining()];
          src.get(b);
          trace.add("Write \"" + new String(b, ISO_8859_1) + "\"");
        };
    BufWriter.with(
        slowWriter,
        t -> {
          t.writeString("test");
          t.flush();
          trace.add("Flush complete");
        });
    assertEquals(List.of("Write \"test\"", "Flush complete"), trace);
  }

  // ------------------------------------------------------------------ cancellation

  /** A sink whose every write waits until its fiber is cancelled (Eio's {@code `Run await_cancel}). */
  private static final Sink AWAIT_CANCEL = src -> Fiber.awaitCancel();

  /** buf_write.md, "Cancelled while waiting for the underlying flow to perform the write". */
  @Test
  void cancelledWhileTheSinkWrites() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () ->
                        BufWriter.with(
                            AWAIT_CANCEL,
                            t -> {
                              t.writeString("Hello");
                              trace.add("Did write");
                            }),
                    () -> {
                      Awaitility.await().until(() -> trace.contains("Did write"));
                      throw new IllegalStateException("Simulated error");
                    }));
    assertEquals("Simulated error", e.getMessage());
    assertEquals(List.of("Did write"), trace);
  }

  /**
   * buf_write.md, "Cancelled while waiting for some data": we have no {@code await_batch}; the
   * flusher waiting for data is a daemon of its switch and does not hold up its failure.
   */
  @Test
  void aFlusherWaitingForDataEndsWithItsSwitch() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      BufWriter.of(sw, new CountingSink(false), 100);
                      Fiber.both(
                          Fiber::awaitCancel,
                          () -> {
                            throw new IllegalStateException("Simulated error");
                          });
                    }));
    assertEquals("Simulated error", e.getMessage());
  }

  /** buf_write.md, "Invalid offset". */
  @Test
  void anInvalidOffsetIsRefused() {
    CountingSink flow = new CountingSink(false);
    BufWriter.with(
        flow,
        t -> assertThrows(IndexOutOfBoundsException.class, () -> t.write("hi".getBytes(ISO_8859_1), 100, 2)));
    assertEquals(List.of(), flow.calls());
  }

  // ------------------------------------------------------------------ serialize

  /** Eio's {@code foobar}: "foo" and "bar" written, then closed. */
  private static void foobar(BufWriter t) {
    t.writeString("foo");
    t.write(ByteBuffer.wrap("bar".getBytes(ISO_8859_1)));
    t.close();
  }

  /**
   * buf_write.md, "Serialize" ({@code serialize}, {@code serialize_to_string}, {@code
   * serialize_to_cstruct}): we have no serializer; a writer over a {@link BufferSink} gives the
   * string, and the sink sees the bytes in one call.
   */
  @Test
  void serializeIsAWriterOverABufferSink() {
    CountingSink calls = new CountingSink(false);
    foobar(BufWriter.of(calls, 100));
    assertEquals(List.of("foobar"), calls.calls());
    BufferSink out = Flow.bufferSink();
    foobar(BufWriter.of(out, 100));
    assertEquals("foobar", out.toString());
  }

  /** buf_write.md, "Serialize" returning {@code Error `Closed}: the sink's failure is thrown. */
  @Test
  void aFailingSinkFailsTheClose() {
    CountingSink closed = new CountingSink(false);
    closed.failWith = new IllegalStateException("Closed");
    assertSame(
        closed.failWith, assertThrows(IllegalStateException.class, () -> foobar(BufWriter.of(closed, 100))));
  }

  // ------------------------------------------------------------------ exceptions, cleanup

  /** buf_write.md, "We still flush the output on error". */
  @Test
  void aFailingBodysBytesAreStillSent() {
    CountingSink flow = new CountingSink(false);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                BufWriter.with(
                    flow,
                    t -> {
                      t.writeString("foo");
                      throw new IllegalStateException("Simulated error");
                    }));
    assertEquals("Simulated error", e.getMessage());
    assertEquals(List.of("foo"), flow.calls());
  }

  /** buf_write.md, "But we don't flush if cancelled". */
  @Test
  void aCancelledBodyIsNotFlushed() {
    CountingSink flow = new CountingSink(false);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Fiber.both(
                    () ->
                        BufWriter.with(
                            flow,
                            t -> {
                              t.writeString("foo");
                              t.writeString("bar");
                              Fiber.awaitCancel();
                            }),
                    () -> {
                      throw new IllegalStateException("Simulated error");
                    }));
    assertEquals("Simulated error", e.getMessage());
    assertFalse(flow.all().contains("bar") && flow.calls().size() > 1, flow.calls().toString());
  }

  /**
   * buf_write.md, "Ensure that we don't lose flushing fibers if the writer is aborted": Eio's
   * writer has no sink, so its flush fails ({@code Flush_aborted}); ours has one, so a flush
   * made after the flusher's switch ended sends the bytes itself (if the flusher has not).
   */
  @Test
  void aFlushOutlivingTheFlushersSwitchSendsTheBytesItself() {
    CountingSink flow = new CountingSink(false);
    Switch.run(
        mainSw -> {
          Switch.run(
              sw -> {
                BufWriter t = BufWriter.of(sw, flow, 100);
                mainSw.fork(
                    () -> {
                      t.writeString("foo");
                      Awaitility.await().until(() -> trace.contains("Finishing writer switch"));
                      t.flush();
                      trace.add("Flush succeeded: " + flow.calls());
                    });
                trace.add("Finishing writer switch");
              });
          Awaitility.await().until(() -> trace.size() == 2);
          trace.add("Finishing main switch");
        });
    assertEquals(
        List.of("Finishing writer switch", "Flush succeeded: [foo]", "Finishing main switch"), trace);
  }

  /**
   * buf_write.md, "And with with_flow": the sink fails while another fiber waits in {@code
   * flush}. The waiting flush fails and {@code with} throws the sink's failure (Eio: {@code
   * Flush_aborted} to the flush, the IO error from {@code with_flow}).
   */
  @Test
  void aSinkFailureReachesTheFlushAndTheWith() {
    CountingSink flow = new CountingSink(true);
    flow.failWith = new IllegalStateException("Simulated IO error");
    AtomicReference<Thread> child = new AtomicReference<>();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw ->
                        BufWriter.with(
                            flow,
                            t -> {
                              sw.fork(
                                  () -> {
                                    t.writeString("foo");
                                    try {
                                      child.set(Thread.currentThread());
                                      t.flush();
                                      fail("flush returned");
                                    } catch (IllegalStateException ex) {
                                      trace.add("Flush failed: " + ex.getMessage());
                                    }
                                  });
                              flow.entered.await();
                              trace.add("with_flow returning; t will be closed");
                              flow.release.resolve(null);
                            })));
    assertEquals("Simulated IO error", e.getMessage());
    // The waiting flush fails with the sink's failure, or, when the owner's close got there
    // first, with "BufWriter is closed".
    assertEquals(2, trace.size(), trace.toString());
    assertEquals("with_flow returning; t will be closed", trace.get(0));
    assertTrue(
        List.of("Flush failed: Simulated IO error", "Flush failed: BufWriter is closed")
            .contains(trace.get(1)),
        trace.toString());
  }

  /** buf_write.md, "But the flush does succeed in the normal case". */
  @Test
  void aFlushWaitingAtCloseSucceeds() {
    CountingSink flow = new CountingSink(true);
    AtomicReference<Thread> child = new AtomicReference<>();
    Switch.run(
        sw ->
            BufWriter.with(
                flow,
                t -> {
                  sw.fork(
                      () -> {
                        t.writeString("foo");
                        child.set(Thread.currentThread());
                        t.flush();
                        trace.add("Flush succeeded");
                      });
                  flow.entered.await();
                  // As in Eio, the child is waiting in its flush before the body returns (a flush
                  // called after the close would be refused: the writer is closed).
                  Awaitility.await()
                      .pollInterval(java.time.Duration.ofMillis(1))
                      .until(() -> child.get() != null && child.get().getState() == Thread.State.WAITING);
                  trace.add("with_flow returning; t should be closed but not aborted");
                  flow.release.resolve(null);
                }));
    assertEquals(
        List.of("with_flow returning; t should be closed but not aborted", "Flush succeeded"), trace);
    assertEquals(List.of("foo"), flow.calls());
  }

  /**
   * buf_write.md, "If we don't pass a switch then we can still cancel flushes manually": we have
   * no {@code abort}; a flush is cancelled with its fiber, and the writer is unusable after a
   * sink write cut part-way.
   */
  @Test
  void aFlushIsCancelledWithItsFiber() {
    BufWriter t = BufWriter.of(AWAIT_CANCEL, 100);
    AtomicReference<Thread> flushing = new AtomicReference<>();
    String v =
        Fiber.first(
            () -> {
              t.writeString("hi");
              flushing.set(Thread.currentThread());
              t.flush();
              return "flushed";
            },
            () -> {
              dev.eio.Cancel.protect(
                  () ->
                      Awaitility.await()
                          .until(() -> flushing.get() != null && flushing.get().getState() == Thread.State.WAITING));
              return "Aborted";
            });
    assertEquals("Aborted", v);
    assertThrows(IllegalStateException.class, () -> t.writeString("more"));
  }

  // ------------------------------------------------------------------ round trips

  /** Eio's {@code test x f g}: writes with {@code f}, reads back with {@code g}, returns the hex. */
  private static <T> String roundTrip(T x, BiConsumer<BufWriter, T> f, Function<BufReader, T> g) {
    BufferSink out = Flow.bufferSink();
    BufWriter t = BufWriter.of(out, 10);
    f.accept(t, x);
    t.close();
    BufReader r = BufReader.of(Flow.ofBytes(out.toByteArray()));
    assertEquals(x, g.apply(r), "round trip");
    r.endOfInput();
    return HexFormat.of().formatHex(out.toByteArray());
  }

  private static String reversed(String hex) {
    StringBuilder sb = new StringBuilder();
    for (int i = hex.length() - 2; i >= 0; i -= 2) {
      sb.append(hex, i, i + 2);
    }
    return sb.toString();
  }

  /** buf_write.md, "Round-trips with Buf_read": string, char, uint8. */
  @Test
  void roundTripsOfBytes() {
    assertEquals("74657374", roundTrip("test", BufWriter::writeString, r -> new String(r.takeAll(), ISO_8859_1)));
    assertEquals("fd", roundTrip('\u00fd', BufWriter::writeChar, BufReader::anyChar));
    assertEquals("a5", roundTrip(0xa5, BufWriter::writeByte, BufReader::uint8));
  }

  /** buf_write.md, "Big-endian" round trips (48 bits as 16 + 32, floats through their bits). */
  @Test
  void bigEndianRoundTrips() {
    assertEquals("a123", roundTrip(0xa123, BufWriter::writeInt16BE, BufReader::uint16BE));
    assertEquals("a1234567", roundTrip(0xa1234567L, (t, v) -> t.writeInt32BE((int) (long) v), BufReader::uint32BE));
    assertEquals(
        "a1234567890a",
        roundTrip(
            0xa1234567890aL,
            (t, v) -> {
              t.writeInt16BE((int) (v >>> 32));
              t.writeInt32BE((int) (long) v);
            },
            r -> (long) r.uint16BE() << 32 | r.uint32BE()));
    assertEquals("a1234567890abcde", roundTrip(0xa1234567890abcdeL, BufWriter::writeInt64BE, BufReader::int64BE));
    assertEquals(
        "42010000",
        roundTrip(32.25f, (t, v) -> t.writeInt32BE(Float.floatToIntBits(v)), r -> Float.intBitsToFloat(r.int32BE())));
    assertEquals(
        "4040200000000000",
        roundTrip(32.25, (t, v) -> t.writeInt64BE(Double.doubleToLongBits(v)), r -> Double.longBitsToDouble(r.int64BE())));
  }

  /** buf_write.md, "Little-endian" round trips (Eio's {@code to_hex'} reverses the bytes). */
  @Test
  void littleEndianRoundTrips() {
    assertEquals("a123", reversed(roundTrip(0xa123, BufWriter::writeInt16LE, BufReader::uint16LE)));
    assertEquals(
        "a1234567", reversed(roundTrip(0xa1234567L, (t, v) -> t.writeInt32LE((int) (long) v), BufReader::uint32LE)));
    assertEquals(
        "a1234567890a",
        reversed(
            roundTrip(
                0xa1234567890aL,
                (t, v) -> {
                  t.writeInt32LE((int) (long) v);
                  t.writeInt16LE((int) (v >>> 32));
                },
                r -> r.uint32LE() | (long) r.uint16LE() << 32)));
    assertEquals(
        "a1234567890abcde", reversed(roundTrip(0xa1234567890abcdeL, BufWriter::writeInt64LE, BufReader::int64LE)));
    assertEquals(
        "42010000",
        reversed(
            roundTrip(32.25f, (t, v) -> t.writeInt32LE(Float.floatToIntBits(v)), r -> Float.intBitsToFloat(r.int32LE()))));
    assertEquals(
        "4040200000000000",
        reversed(
            roundTrip(
                32.25, (t, v) -> t.writeInt64LE(Double.doubleToLongBits(v)), r -> Double.longBitsToDouble(r.int64LE()))));
  }
}
