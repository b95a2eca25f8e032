package dev.eio.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of {@link BufWriter} and {@link BufReader}: every property reads its whole scenario
 * (operations, chunk sizes, limits, input) from one byte array, so Jazzer's coverage-guided
 * mutation drives it in fuzzing mode, and the ordinary suite drives it with seeded random arrays.
 *
 * <ul>
 *   <li>Round trip: any sequence of writer operations (strings of any chars, bytes, chars,
 *       integers, flushes; with or without a flusher fiber; a sink that takes each batch in
 *       random pieces, yielding in between), read back in random chunks with the matching reader
 *       operations, gives back exactly what was written, then end of input.
 *   <li>Hostile input: a reader with a small {@code maxSize} fed arbitrary bytes in arbitrary
 *       chunks, with arbitrary operations: each returns what the input holds at the reader's
 *       offset or throws one of the documented exceptions having consumed nothing (a skip
 *       excepted), and the reader's buffer never exceeds {@code maxSize + 1} bytes (the source
 *       sees the buffer array it fills).
 * </ul>
 *
 * <p>The suite runs the plain tests: {@code -Deio.stress.iterations=N} arrays per property
 * (default 300). The {@code fuzz*} methods are Jazzer's, left out of the suite (their agent would
 * instrument the rest of it); fuzzing one, for 5 minutes per engine unless {@code
 * JAZZER_MAX_DURATION} says otherwise, findings saved as {@code crash-*} files and replayed from
 * {@code src/test/resources/dev/eio/io/BufFuzzTestInputs/<method>/} once copied there:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl eio-core -am test -Deio.fuzz.excluded=none  *     -Dtest='BufFuzzTest#fuzzRoundTrip' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class BufFuzzTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 300);

  /** Decisions read from the fuzz input, front to back; zeros once it is used up. */
  static final class Script {
    private final byte[] data;
    private int pos;

    Script(byte[] data) {
      this.data = data;
    }

    int next() {
      return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    /** 0 to {@code bound - 1}. */
    int pick(int bound) {
      return (next() << 8 | next()) % bound;
    }

    boolean done() {
      return pos >= data.length;
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) next();
      }
      return b;
    }

    /** A string of any chars, unpaired surrogates included. */
    String anyString(int maxLen) {
      StringBuilder sb = new StringBuilder();
      for (int n = pick(maxLen + 1); n > 0; n--) {
        sb.append((char) (next() % 4 == 0 ? next() << 8 | next() : next() & 0x7F));
      }
      return sb.toString();
    }
  }

  private static void forRandomInputs(long seedBase, Consumer<byte[]> property) {
    for (int it = 0; it < ITERATIONS; it++) {
      Random rnd = new Random(seedBase + it);
      byte[] data = new byte[rnd.nextInt(2048)];
      rnd.nextBytes(data);
      try {
        property.accept(data);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("input " + Arrays.toString(data), e);
      }
    }
  }

  // ------------------------------------------------------------------ round trip

  @Test
  void whatIsWrittenIsReadBackTheSame() {
    forRandomInputs(7_000, BufFuzzTest::roundTrip);
  }

  @FuzzTest(maxDuration = "5m")
  void fuzzRoundTrip(byte[] data) {
    roundTrip(data);
  }

  /**
   * A sink that takes each write in random pieces, yielding in between like a slow socket (a
   * writer that reused a batch's array before the sink is done with it would show here).
   */
  private static Sink piecewise(ByteArrayOutputStream into, Random chunks) {
    return src -> {
      while (src.hasRemaining()) {
        int n = Math.min(src.remaining(), 1 + chunks.nextInt(64));
        byte[] piece = new byte[n];
        src.get(piece);
        synchronized (into) {
          into.write(piece, 0, n);
        }
        if (Thread.currentThread().isVirtual()) {
          Fiber.yield(); // on a platform thread a yield would give the processor away
        }
      }
    };
  }

  /**
   * A source handing out the bytes in chunks of random size, passing each buffer it is asked to
   * fill to {@code check} first.
   */
  private static Source chunked(byte[] bytes, Random chunks, Consumer<ByteBuffer> check) {
    int[] at = {0};
    return dst -> {
      check.accept(dst);
      if (!dst.hasRemaining()) {
        return 0;
      }
      if (at[0] == bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(dst.remaining(), bytes.length - at[0]), 1 + chunks.nextInt(97));
      dst.put(bytes, at[0], n);
      at[0] += n;
      return n;
    };
  }

  /** A writer operation and the reader operation that reads it back. */
  private record Item(String what, Consumer<BufWriter> write, Consumer<BufReader> read) {}

  static void roundTrip(byte[] data) {
    Script s = new Script(data);
    List<Item> items = new ArrayList<>();
    int longest = 1;
    while (!s.done() && items.size() < 200) {
      Item item = nextItem(s);
      items.add(item);
      longest = Math.max(longest, item.what().length());
    }
    int capacity = 1 + s.pick(300);
    boolean withFlusher = s.pick(2) == 0;
    // Chunk sizes from the input too, so that a finding replays exactly.
    Random chunks = new Random(Arrays.hashCode(data));
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    Sink sink = piecewise(written, chunks);
    Switch.run(
        sw -> {
          BufWriter w = withFlusher ? BufWriter.of(sw, sink, capacity) : BufWriter.of(sink, capacity);
          for (Item item : items) {
            item.write().accept(w);
          }
          w.close();
        });
    byte[] bytes = written.toByteArray();
    // An item's description is at least as long as the bytes a reader must hold for it.
    int maxSize = longest + 16;
    BufReader r = BufReader.of(chunked(bytes, chunks, dst -> {}), maxSize);
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      try {
        item.read().accept(r);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("item " + i + " " + item.what() + " at offset " + r.offset(), e);
      }
    }
    r.endOfInput();
    assertEquals(bytes.length, r.offset(), "every byte read once");
  }

  /** The next writer operation from the script, with its reader counterpart. */
  private static Item nextItem(Script s) {
    switch (s.pick(12)) {
      case 0 -> {
        String str = s.anyString(40);
        byte[] enc = str.getBytes(UTF_8); // unpaired surrogates become '?': compare bytes
        boolean expect = s.pick(2) == 0;
        return new Item(
            "string " + enc.length + " bytes " + "x".repeat(enc.length),
            w -> w.writeString(str),
            r -> {
              if (expect) {
                r.expectString(new String(enc, UTF_8));
              } else {
                assertArrayEquals(enc, r.take(enc.length));
              }
            });
      }
      case 1 -> {
        String text = s.anyString(40).replace('\n', ' ');
        String line = text.endsWith("\r") ? text + "." : text;
        String ending = s.pick(2) == 0 ? "\n" : "\r\n";
        byte[] enc = line.getBytes(UTF_8);
        return new Item(
            "line " + "x".repeat(enc.length + 2),
            w -> w.writeString(line + ending),
            r -> assertEquals(new String(enc, UTF_8), r.line()));
      }
      case 2 -> {
        byte[] b = s.bytes(s.pick(100));
        int way = s.pick(3);
        return new Item(
            "bytes " + "x".repeat(b.length),
            w -> {
              switch (way) {
                case 0 -> w.write(b);
                case 1 -> w.write(ByteBuffer.wrap(b));
                default -> {
                  byte[] padded = new byte[b.length + 4];
                  System.arraycopy(b, 0, padded, 2, b.length);
                  w.write(padded, 2, b.length);
                }
              }
            },
            r -> assertArrayEquals(b, r.take(b.length)));
      }
      case 3 -> {
        char c = (char) s.next();
        int way = s.pick(3);
        return new Item(
            "char",
            w -> w.writeChar(c),
            r -> {
              switch (way) {
                case 0 -> assertEquals(c, r.anyChar());
                case 1 -> r.expectChar(c);
                default -> {
                  assertEquals(c, r.peekChar());
                  assertEquals(c, r.uint8());
                }
              }
            });
      }
      case 4 -> {
        int b = s.next() - 128;
        return new Item("byte", w -> w.writeByte(b), r -> assertEquals((byte) b, r.int8()));
      }
      case 5 -> {
        int v = s.next() << 8 | s.next();
        boolean be = s.pick(2) == 0;
        return new Item(
            "int16",
            w -> {
              if (be) {
                w.writeInt16BE(v);
              } else {
                w.writeInt16LE(v);
              }
            },
            r -> assertEquals(v, be ? r.uint16BE() : r.uint16LE()));
      }
      case 6 -> {
        int v = s.next() << 24 | s.next() << 16 | s.next() << 8 | s.next();
        boolean be = s.pick(2) == 0;
        return new Item(
            "int32",
            w -> {
              if (be) {
                w.writeInt32BE(v);
              } else {
                w.writeInt32LE(v);
              }
            },
            r -> assertEquals(v, be ? r.int32BE() : r.int32LE()));
      }
      case 7 -> {
        long v = ByteBuffer.wrap(s.bytes(8)).getLong();
        boolean be = s.pick(2) == 0;
        return new Item(
            "int64BE",
            w -> {
              if (be) {
                w.writeInt64BE(v);
              } else {
                w.writeInt64LE(v);
              }
            },
            r -> assertEquals(v, be ? r.int64BE() : r.int64LE()));
      }
      case 8 -> {
        String digits = Integer.toString(s.pick(1_000_000));
        return new Item(
            "digits " + digits + ";",
            w -> w.writeString(digits + ";"),
            r -> {
              assertEquals(digits, new String(r.takeWhile(Character::isDigit), UTF_8));
              r.expectChar(';');
            });
      }
      case 9 -> {
        int n = s.pick(3000); // may exceed maxSize: skip keeps nothing
        return new Item("skip", w -> w.write(new byte[n]), r -> r.skip(n));
      }
      case 10 -> {
        int n = s.pick(50);
        return new Item(
            "spaces",
            w -> w.writeString(" ".repeat(n) + "|"),
            r -> {
              r.skipWhile(b -> b == ' ');
              r.expectChar('|');
            });
      }
      default -> {
        return new Item("flush", BufWriter::flush, r -> {});
      }
    }
  }

  // ------------------------------------------------------------------ hostile input

  @Test
  void arbitraryInputOnlyEverFailsTheDocumentedWayWithinMaxSize() {
    forRandomInputs(9_000, BufFuzzTest::hostile);
  }

  @Test
  void aLineLongerThanMaxSizeIsRefusedWithinMaxSize() {
    for (int maxSize : new int[] {1, 2, 7, 100, 4096, 5000}) {
      byte[] input = new byte[maxSize * 3 + 10_000];
      Arrays.fill(input, (byte) 'a');
      input[input.length - 1] = '\n';
      int[] biggest = {0};
      Random chunks = new Random(maxSize);
      BufReader r =
          BufReader.of(
              chunked(input, chunks, dst -> biggest[0] = Math.max(biggest[0], dst.array().length)),
              maxSize);
      assertThrows(BufferLimitExceededException.class, r::line);
      assertThrows(BufferLimitExceededException.class, () -> r.takeWhile(b -> b == 'a'));
      assertThrows(BufferLimitExceededException.class, r::takeAll);
      assertEquals(0, r.offset());
      assertTrue(biggest[0] <= maxSize + 1, "buffer of " + biggest[0] + " for maxSize " + maxSize);
      r.skipWhile(b -> b == 'a');
      assertEquals("", r.line());
      assertTrue(r.atEndOfInput());
    }
  }

  @FuzzTest(maxDuration = "5m")
  void fuzzHostile(byte[] data) {
    hostile(data);
  }

  static void hostile(byte[] data) {
    Script s = new Script(data);
    // Mostly small limits, so that they are hit; sometimes big ones, with input repeated to
    // several times the 4 KiB a reader starts with, so that its buffer has to grow.
    boolean big = s.pick(4) == 0;
    int maxSize = big ? 4000 + s.pick(6000) : 1 + s.pick(64);
    byte[] unit = s.bytes(s.pick(Math.max(1, data.length / 2)));
    byte[] input = new byte[unit.length * (big ? 1 + s.pick(30) : 1)];
    for (int i = 0; i < input.length; i += Math.max(1, unit.length)) {
      System.arraycopy(unit, 0, input, i, unit.length);
    }
    Source src =
        chunked(
            input,
            new Random(Arrays.hashCode(data)),
            dst ->
                assertTrue(
                    dst.array().length <= maxSize + 1,
                    "buffer of " + dst.array().length + " bytes for maxSize " + maxSize));
    BufReader r = BufReader.of(src, maxSize);
    for (int step = 0; step < 100 && !s.done(); step++) {
      int op = s.pick(16);
      long before = r.offset();
      int at = (int) before;
      try {
        applyHostile(op, r, s, input, at, maxSize);
      } catch (EndOfInputException | InputParseException | BufferLimitExceededException e) {
        assertTrue(
            r.offset() == before || op == 9 || op == 14, // a skip, lines before a failing one
            "op " + op + " failed with " + e + " yet consumed " + (r.offset() - before));
        if (e instanceof BufferLimitExceededException b) {
          assertEquals(maxSize, b.maxSize());
        }
      }
      assertTrue(r.buffered() <= maxSize + 1, "buffered " + r.buffered());
    }
    int at = (int) r.offset();
    byte[] rest = drain(r, Math.min(64, maxSize + 1)); // the source checks this buffer too
    assertArrayEquals(Arrays.copyOfRange(input, at, input.length), rest, "the rest is intact");
  }

  private static byte[] drain(Source src, int bufferSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(bufferSize);
    while (src.read(buf.clear()) >= 0) {
      out.write(buf.array(), 0, buf.position());
    }
    return out.toByteArray();
  }

  /** One operation; a result must be what the input holds at {@code at}. */
  private static void applyHostile(int op, BufReader r, Script s, byte[] in, int at, int maxSize) {
    int left = in.length - at;
    switch (op) {
      case 0 -> {
        char c = r.anyChar(); // first: at the end it throws, and the model would too
        assertEquals(in[at] & 0xFF, c);
      }
      case 1 -> {
        int n = s.pick(maxSize + 3);
        assertArrayEquals(Arrays.copyOfRange(in, at, at + n), r.take(n));
      }
      case 2 -> {
        String line = r.line();
        int end = at;
        while (end < in.length && in[end] != '\n') {
          end++;
        }
        int textEnd = end < in.length && end > at && in[end - 1] == '\r' ? end - 1 : end;
        assertEquals(new String(in, at, textEnd - at, UTF_8), line);
        assertEquals(Math.min(end + 1, in.length), r.offset());
      }
      case 3 -> {
        int b = s.next();
        byte[] run = r.takeWhile(x -> x != b);
        assertTrue(run.length <= maxSize);
        assertArrayEquals(Arrays.copyOfRange(in, at, at + run.length), run);
        assertTrue(at + run.length == in.length || (in[at + run.length] & 0xFF) == b);
      }
      case 4 -> {
        byte[] want = s.bytes(s.pick(6));
        String str = new String(want, UTF_8);
        r.expectString(str);
        byte[] enc = str.getBytes(UTF_8);
        assertArrayEquals(Arrays.copyOfRange(in, at, at + enc.length), enc);
      }
      case 5 -> r.expectChar((char) s.next());
      case 6 -> assertEquals(left > 0 ? in[at] & 0xFF : -1, r.peekChar());
      case 7 -> {
        int v = r.int32BE();
        assertEquals(ByteBuffer.wrap(in, at, 4).getInt(), v);
      }
      case 8 -> {
        long v = r.int64LE();
        assertEquals(Long.reverseBytes(ByteBuffer.wrap(in, at, 8).getLong()), v);
      }
      case 9 -> r.skip(s.pick(maxSize * 2 + 2));
      case 10 -> r.skipWhile(x -> x == s.next());
      case 11 -> assertArrayEquals(Arrays.copyOfRange(in, at, in.length), r.takeAll());
      case 12 -> {
        if (left == 0) {
          r.endOfInput();
        } else {
          assertThrows(InputParseException.class, r::endOfInput);
        }
      }
      case 13 -> {
        int v = r.uint16BE();
        assertEquals(ByteBuffer.wrap(in, at, 2).getShort() & 0xFFFF, v);
      }
      case 14 -> {
        for (String line : r.lines()) {
          assertTrue(line.length() <= maxSize);
        }
      }
      default -> assertEquals(left == 0, r.atEndOfInput());
    }
  }
}
