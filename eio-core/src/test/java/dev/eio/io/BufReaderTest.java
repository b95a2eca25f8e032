package dev.eio.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BufReaderTest {

  private static BufReader reader(String s) {
    return BufReader.of(new ChunkedSource(s.getBytes(UTF_8), 1, 3, false), 64);
  }

  private static BufReader reader(byte[] b) {
    return BufReader.of(new ChunkedSource(b, 1, 3, false), 64);
  }

  @Test
  void lineEndsAtLfOrCrlfAndTheLastLineNeedsNoEnding() {
    BufReader r = reader("one\ntwo\r\n\r\nthree\rx\nlast");
    assertEquals("one", r.line());
    assertEquals("two", r.line());
    assertEquals("", r.line());
    assertEquals("three\rx", r.line(), "a lone CR is part of the line");
    assertEquals("last", r.line());
    assertTrue(r.atEndOfInput());
    assertThrows(EndOfInputException.class, r::line);
  }

  @Test
  void lineDecodesUtf8() {
    assertEquals("héllo €", reader("héllo €\n").line());
  }

  @Test
  void linesIteratesEveryRemainingLineLazily() {
    BufReader r = reader("header\na\nb\r\nc");
    assertEquals("header", r.line());
    List<String> got = new ArrayList<>();
    for (String l : r.lines()) {
      got.add(l);
    }
    assertEquals(List.of("a", "b", "c"), got);
    assertFalse(r.lines().iterator().hasNext());
  }

  @Test
  void anEmptyInputHasNoLines() {
    assertFalse(reader("").lines().iterator().hasNext());
    assertTrue(reader("").atEndOfInput());
  }

  @Test
  void aLineLongerThanMaxSizeFailsWithTheLimitAndConsumesNothing() {
    BufReader r = BufReader.of(Flow.ofString("abcdefghij\n"), 8);
    BufferLimitExceededException e = assertThrows(BufferLimitExceededException.class, r::line);
    assertEquals(8, e.maxSize());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("maxSize 8"), e.getMessage());
    assertEquals(0, r.offset());
    assertEquals("abcdefgh", new String(r.take(8), UTF_8));
  }

  @Test
  void aLineThatExactlyFillsMaxSizeIsAccepted() {
    BufReader r = BufReader.of(Flow.ofString("abcdefg\nabcdefgh"), 8);
    assertEquals("abcdefg", r.line());
    assertEquals("abcdefgh", r.line(), "a last line of exactly maxSize bytes");
  }

  @Test
  void takeTakesExactlyNBytesAndFailsAtEndOfInputWithoutConsuming() {
    BufReader r = reader("hello world");
    assertArrayEquals("hello".getBytes(UTF_8), r.take(5));
    assertEquals(5, r.offset());
    EndOfInputException e = assertThrows(EndOfInputException.class, () -> r.take(10));
    assertEquals(11, e.offset(), "where the input ended");
    assertEquals(5, r.offset());
    assertArrayEquals(" world".getBytes(UTF_8), r.take(6));
    assertArrayEquals(new byte[0], r.take(0));
  }

  @Test
  void takeOfMoreThanMaxSizeIsALimitErrorEvenWhenTheBytesExist() {
    BufReader r = BufReader.of(Flow.ofBytes(new byte[100]), 10);
    assertThrows(BufferLimitExceededException.class, () -> r.take(11));
    assertEquals(10, r.take(10).length);
  }

  @Test
  void badArgumentsNameTheArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BufReader.of(Flow.ofString(""), 0));
    assertEquals("maxSize must be between 1 and 1073741824, got 0", e.getMessage());
    assertEquals(
        "n must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> reader("x").take(-1)).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> reader("x").expectChar('€'))
            .getMessage()
            .startsWith("c must be a byte value"));
  }

  @Test
  void takeAllReturnsTheRestUpToMaxSize() {
    assertEquals("rest of it", new String(reader("rest of it").takeAll(), UTF_8));
    BufReader exact = BufReader.of(Flow.ofBytes(new byte[16]), 16);
    assertEquals(16, exact.takeAll().length);
    assertTrue(exact.atEndOfInput());
    BufReader tooMuch = BufReader.of(Flow.ofBytes(new byte[17]), 16);
    assertThrows(BufferLimitExceededException.class, tooMuch::takeAll);
    assertEquals(0, tooMuch.offset());
  }

  @Test
  void takeWhileAndSkipWhileStopAtTheFirstNonMatchingByte() {
    BufReader r = reader("  123abc");
    r.skipWhile(c -> c == ' ');
    assertEquals("123", new String(r.takeWhile(Character::isDigit), US()));
    assertEquals(0, r.takeWhile(Character::isDigit).length);
    assertEquals("abc", new String(r.takeWhile(Character::isLetter), US()));
    assertTrue(r.atEndOfInput());
  }

  private static java.nio.charset.Charset US() {
    return java.nio.charset.StandardCharsets.US_ASCII;
  }

  @Test
  void skipWhileAndSkipIgnoreMaxSize() {
    byte[] data = new byte[1000];
    java.util.Arrays.fill(data, 0, 900, (byte) ' ');
    java.util.Arrays.fill(data, 900, 1000, (byte) 'x');
    BufReader r = BufReader.of(Flow.ofBytes(data), 8);
    r.skipWhile(c -> c == ' ');
    assertEquals(900, r.offset());
    r.skip(95);
    assertEquals("xxxxx", new String(r.take(5), US()));
    assertThrows(BufferLimitExceededException.class, () -> BufReader.of(Flow.ofBytes(data), 8)
        .takeWhile(c -> c == ' '));
  }

  @Test
  void skipPastTheEndIsEndOfInputAtTheEndOffset() {
    BufReader r = reader("abc");
    EndOfInputException e = assertThrows(EndOfInputException.class, () -> r.skip(5));
    assertEquals(3, e.offset());
    assertTrue(r.atEndOfInput());
  }

  @Test
  void expectCharAndExpectStringSayWhatWasExpectedAndWhere() {
    BufReader r = BufReader.of(Flow.ofString("GET /x HTTP/1.1\r\n"));
    r.expectString("GET");
    r.expectChar(' ');
    assertEquals('/', r.peekChar());
    InputParseException e = assertThrows(InputParseException.class, () -> r.expectChar('?'));
    assertEquals("expected \"?\" at offset 4, found \"/x HTTP/1.1\\r\\n\"", e.getMessage());
    assertEquals(4, e.offset());
    r.expectString("/x ");
    InputParseException e2 =
        assertThrows(InputParseException.class, () -> r.expectString("HTTP/2"));
    assertEquals(12, e2.offset(), "offset of the first differing byte");
    assertTrue(e2.getMessage().startsWith("expected \"HTTP/2\""), e2.getMessage());
    assertEquals(7, r.offset(), "a failed expectation consumes nothing");
    r.expectString("HTTP/1.1\r\n");
    r.endOfInput();
  }

  @Test
  void expectationsAtEndOfInputAreEndOfInputNotParseErrors() {
    BufReader r = reader("ab");
    assertThrows(EndOfInputException.class, () -> r.expectString("abc"));
    assertEquals(0, r.offset());
    r.expectString("ab");
    assertThrows(EndOfInputException.class, () -> r.expectChar('c'));
    assertEquals(-1, r.peekChar());
  }

  @Test
  void endOfInputFailsWhenBytesRemain() {
    BufReader r = BufReader.of(Flow.ofString("x\u0001"));
    InputParseException e = assertThrows(InputParseException.class, r::endOfInput);
    assertEquals("expected end of input at offset 0, found \"x\\x01\"", e.getMessage());
    r.skip(2);
    r.endOfInput();
  }

  @Test
  void integersInBothByteOrders() {
    byte[] b = {
      (byte) 0xFF, // uint8 255
      (byte) 0x80, // int8 -128
      0x12, 0x34, // uint16BE
      0x34, 0x12, // uint16LE
      (byte) 0xFF, (byte) 0xFE, // int16BE -2
      (byte) 0xFE, (byte) 0xFF, // int16LE -2
      (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, // uint32BE
      (byte) 0xEF, (byte) 0xBE, (byte) 0xAD, (byte) 0xDE, // uint32LE
      (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, // int32BE
      (byte) 0xEF, (byte) 0xBE, (byte) 0xAD, (byte) 0xDE, // int32LE
      1, 2, 3, 4, 5, 6, 7, 8, // int64BE
      8, 7, 6, 5, 4, 3, 2, 1 // int64LE
    };
    BufReader r = reader(b);
    assertEquals(255, r.uint8());
    assertEquals(-128, r.int8());
    assertEquals(0x1234, r.uint16BE());
    assertEquals(0x1234, r.uint16LE());
    assertEquals(-2, r.int16BE());
    assertEquals(-2, r.int16LE());
    assertEquals(0xDEADBEEFL, r.uint32BE());
    assertEquals(0xDEADBEEFL, r.uint32LE());
    assertEquals(0xDEADBEEF, r.int32BE());
    assertEquals(0xDEADBEEF, r.int32LE());
    assertEquals(0x0102030405060708L, r.int64BE());
    assertEquals(0x0102030405060708L, r.int64LE());
    r.endOfInput();
  }

  @Test
  void aTruncatedIntegerIsEndOfInputAndConsumesNothing() {
    BufReader r = reader(new byte[] {1, 2, 3});
    EndOfInputException e = assertThrows(EndOfInputException.class, r::int32BE);
    assertTrue(e.getMessage().contains("int32BE"), e.getMessage());
    assertEquals(3, e.offset());
    assertEquals(0x0102, r.uint16BE());
  }

  @Test
  void anIoErrorOfTheSourceIsNotEndOfInput() {
    Source broken =
        dst -> {
          throw new UncheckedIOException(new IOException("disk on fire"));
        };
    BufReader r = BufReader.of(broken);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, r::line);
    assertEquals("disk on fire", e.getCause().getMessage());
  }

  @Test
  void cancelledReadLosesNoBufferedBytes() {
    // The source hands out "ab", then blocks until cancelled, then (on a retry) gives "cd\n".
    Promise<Void> blocked = Promise.create();
    int[] calls = {0};
    Source src =
        dst -> {
          calls[0]++;
          if (calls[0] == 1) {
            dst.put("ab".getBytes(UTF_8));
            return 2;
          }
          if (calls[0] == 2) {
            blocked.resolve(null);
            Fiber.awaitCancel();
          }
          if (calls[0] == 3) {
            dst.put("cd\n".getBytes(UTF_8));
            return 3;
          }
          return -1;
        };
    BufReader r = BufReader.of(src);
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx ->
                    Switch.run(
                        sw -> {
                          sw.fork(
                              () -> {
                                blocked.await();
                                ctx.cancel(new RuntimeException("stop"));
                              });
                          r.line();
                        })));
    assertEquals(0, r.offset());
    assertEquals("abcd", r.line());
    assertTrue(r.atEndOfInput());
  }

  @Test
  void theReaderAsASourceHandsOnBufferedBytesFirst() {
    BufReader r = BufReader.of(new ChunkedSource("HEAD\nbody bytes".getBytes(UTF_8), 3, 64, false));
    assertEquals("HEAD", r.line());
    BufferSink rest = Flow.bufferSink();
    assertEquals(10, Flow.copy(r, rest));
    assertEquals("body bytes", rest.toString());
    assertEquals(15, r.offset());
  }

  @Test
  void aBlockedParseWaitsForMoreInputFromAnotherFiber() throws Exception {
    // A source fed by another fiber: the reader must block, not fail, when input is short.
    java.util.concurrent.LinkedBlockingQueue<byte[]> q = new java.util.concurrent.LinkedBlockingQueue<>();
    CountDownLatch asked = new CountDownLatch(1);
    Source src =
        dst -> {
          asked.countDown();
          byte[] b;
          try {
            b = q.take();
          } catch (InterruptedException e) {
            throw new Cancelled(e);
          }
          if (b.length == 0) {
            return -1;
          }
          dst.put(b);
          return b.length;
        };
    BufReader r = BufReader.of(src);
    Switch.run(
        sw -> {
          Promise<Integer> v = sw.forkPromise(r::int32BE);
          asked.await();
          q.put(new byte[] {0, 0});
          q.put(new byte[] {1, 2});
          assertEquals(0x0102, v.await());
        });
  }

  @Test
  void peekCharDoesNotConsume() {
    BufReader r = reader("z");
    assertEquals('z', r.peekChar());
    assertEquals('z', r.peekChar());
    assertEquals('z', r.anyChar());
    assertEquals(-1, r.peekChar());
    assertThrows(EndOfInputException.class, r::anyChar);
    ByteBuffer none = ByteBuffer.allocate(1);
    assertEquals(-1, r.read(none));
  }
}
