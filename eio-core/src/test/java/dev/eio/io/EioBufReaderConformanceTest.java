package dev.eio.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/buf_reader.md, case by case, against {@link BufReader}. Eio's reader is a parser
 * combinator library; ours is a set of imperative calls, so each Eio parser becomes the sequence
 * of calls it stands for ({@code p *> q} is "p, then q"), and Eio's {@code parse}/{@code
 * format_errors} become an exception whose offset the test checks. Eio's {@code mock_flow} is
 * {@link MockSource}, which records the same trace lines, so where the reads are the same the
 * traces are compared as Eio states them. Ours differ in three deliberate ways, each said at its
 * case: the buffer starts at {@code min(4096, maxSize + 1)} bytes (no {@code initial_size}), it
 * holds {@code maxSize + 1} bytes so an item of exactly {@code maxSize} bytes fits (Eio needs
 * room for one more byte), and reading the reader as a {@link Source} with nothing buffered reads
 * straight into the caller's buffer.
 */
@Timeout(30)
class EioBufReaderConformanceTest {

  /** Eio's {@code mock_flow}: hands out the queued strings, tracing each read; empty is Eof. */
  static final class MockSource implements Source {
    final List<String> trace = new ArrayList<>();
    private final LinkedList<String> next = new LinkedList<>();

    MockSource(String... items) {
      next.addAll(List.of(items));
    }

    @Override
    public int read(ByteBuffer dst) {
      if (next.isEmpty()) {
        trace.add("mock_flow returning Eof");
        return -1;
      }
      String x = next.removeFirst();
      int len = Math.min(dst.remaining(), x.length());
      trace.add("mock_flow returning " + len + " bytes");
      dst.put(x.substring(0, len).getBytes(ISO_8859_1));
      if (len < x.length()) {
        next.addFirst(x.substring(len));
      }
      return len;
    }

    /** The trace lines since the last call. */
    List<String> drain() {
      List<String> t = List.copyOf(trace);
      trace.clear();
      return t;
    }
  }

  private static String s(byte[] b) {
    return new String(b, ISO_8859_1);
  }

  private static List<String> reads(Object... sizes) {
    List<String> out = new ArrayList<>();
    for (Object n : sizes) {
      out.add(n.equals("Eof") ? "mock_flow returning Eof" : "mock_flow returning " + n + " bytes");
    }
    return out;
  }

  /** Eio's {@code parse_string_exn p s}: {@code p}, then end of input. */
  private static <T> T parseString(String input, Function<BufReader, T> p) {
    BufReader r = BufReader.of(Flow.ofBytes(input.getBytes(ISO_8859_1)));
    T v = p.apply(r);
    r.endOfInput();
    return v;
  }

  // ------------------------------------------------------------------ run-through, reads

  /**
   * buf_reader.md, "A simple run-through". Eio's {@code peek}/{@code ensure} are {@link
   * BufReader#buffered()} and {@link BufReader#peekChar()}; a failed {@code take} consumes
   * nothing, as a failed {@code ensure} does.
   */
  @Test
  void aFailedTakeKeepsTheBufferedBytes() {
    BufReader i = BufReader.of(Flow.ofString("Hello"), 100);
    assertEquals(0, i.buffered());
    assertEquals('H', i.peekChar());
    assertEquals(5, i.buffered());
    assertEquals('H', i.anyChar());
    assertEquals(4, i.buffered());
    assertThrows(EndOfInputException.class, () -> i.take(5));
    assertEquals(4, i.buffered());
    assertEquals("ello", s(i.take(4)));
    assertEquals(0, i.buffered());
  }

  /**
   * buf_reader.md, "Minimising reads on the underlying flow". We have no {@code initial_size}:
   * the buffer starts at {@code min(4096, maxSize + 1)} bytes, so the first read already takes
   * what an item of {@code maxSize} bytes needs; asking for more than {@code maxSize} is refused.
   */
  @Test
  void oneReadFillsTheBufferUpToMaxSizeAndMoreIsRefused() {
    MockSource flow = new MockSource("hello world!");
    BufReader i = BufReader.of(flow, 10);
    assertEquals('h', i.peekChar());
    assertEquals(reads(11), flow.drain());
    assertThrows(BufferLimitExceededException.class, () -> i.take(11));
    assertEquals("hello worl", s(i.take(10)));
    assertEquals(List.of(), flow.drain(), "no read was needed");
  }

  /** buf_reader.md, "End-of-file": after end of file the flow is not read again. */
  @Test
  void afterEndOfFileTheSourceIsNotReadAgain() {
    MockSource flow = new MockSource("hi");
    BufReader i = BufReader.of(flow, 10);
    assertThrows(EndOfInputException.class, () -> i.take(10));
    assertEquals(reads(2, "Eof"), flow.drain());
    assertEquals(2, i.buffered());
    assertThrows(EndOfInputException.class, () -> i.take(10));
    assertEquals("hi", s(i.takeAll()));
    assertEquals("", s(i.takeAll()));
    assertEquals(List.of(), flow.drain());
  }

  /** buf_reader.md, "Multiple reads": several reads fulfil one request. */
  @Test
  void severalReadsFulfilOneRequest() {
    MockSource flow = new MockSource("one", "two", "three");
    BufReader i = BufReader.of(flow, 10);
    assertEquals("onetwothre", s(i.take(10)));
    // Eio's buffer had room for 4 of "three"; ours for 5, so the "e" is already here.
    assertEquals(reads(3, 3, 5), flow.drain());
    assertEquals("e", s(i.take(1)));
    assertEquals(List.of(), flow.drain());
  }

  // ------------------------------------------------------------------ lines

  /** buf_reader.md, "Reading lines". */
  @Test
  void linesAcrossReads() {
    MockSource flow = new MockSource("one", "\ntwo\n", "three\n");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("one", i.line());
    assertEquals(reads(3, 5), flow.drain());
    assertEquals("two", i.line());
    assertEquals(List.of(), flow.drain());
    assertEquals("three", i.line());
    assertEquals(reads(6), flow.drain());
    assertThrows(EndOfInputException.class, i::line);
    assertEquals(reads("Eof"), flow.drain());
  }

  /** buf_reader.md, "DOS lines". */
  @Test
  void crlfLines() {
    MockSource flow = new MockSource("one\r", "\ntwo\r\n", "three\r\n");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("one", i.line());
    assertEquals(reads(4, 6), flow.drain());
    assertEquals("two", i.line());
    assertEquals("three", i.line());
    assertEquals(reads(7), flow.drain());
    assertThrows(EndOfInputException.class, i::line);
    assertEquals(reads("Eof"), flow.drain());
  }

  /** buf_reader.md, "Missing EOL". */
  @Test
  void theLastLineNeedsNoLineEnding() {
    MockSource flow = new MockSource("on", "e\ntwo");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("one", i.line());
    assertEquals(reads(2, 5), flow.drain());
    assertEquals("two", i.line());
    assertEquals(reads("Eof"), flow.drain());
  }

  /** buf_reader.md, "Multiple lines in one read". */
  @Test
  void multipleLinesInOneRead() {
    MockSource flow = new MockSource("one\ntwo\n\nthree");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("one", i.line());
    assertEquals(reads(14), flow.drain());
    assertEquals("two", i.line());
    assertEquals("", i.line());
    assertEquals("three", i.line());
    assertEquals(reads("Eof"), flow.drain());
    assertThrows(EndOfInputException.class, i::line);
    assertEquals(List.of(), flow.drain());
  }

  // ------------------------------------------------------------------ as a flow

  /**
   * buf_reader.md, "Flow interface". The bytes and their order are Eio's; the reads differ: with
   * nothing buffered, ours reads straight into the caller's 2-byte buffer instead of filling its
   * own, and end of input is {@code -1}, not an exception.
   */
  @Test
  void theReaderIsASource() {
    MockSource flow = new MockSource("foo", "bar");
    Source bflow = BufReader.of(flow, 100);
    List<String> got = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.allocate(2);
    int n;
    while ((n = bflow.read(buf.clear())) >= 0) {
      got.add(new String(buf.array(), 0, n, ISO_8859_1));
    }
    assertEquals(List.of("fo", "o", "ba", "r"), got);
    assertEquals(reads(2, 1, 2, 1, "Eof"), flow.drain());
    assertEquals(-1, bflow.read(buf.clear()));
    assertEquals(List.of(), flow.drain(), "not read again after its end");
  }

  /** A reader with buffered bytes hands those out first when read as a source. */
  @Test
  void readingTheReaderAsASourceDrainsItsBufferFirst() {
    MockSource flow = new MockSource("foo", "bar");
    BufReader r = BufReader.of(flow, 100);
    assertEquals('f', r.anyChar());
    ByteBuffer buf = ByteBuffer.allocate(2);
    assertEquals(2, r.read(buf));
    assertEquals("oo", s(buf.array()));
    assertEquals(reads(3), flow.drain());
  }

  // ------------------------------------------------------------------ characters, strings

  /** buf_reader.md, "Characters": end of input is {@code -1} from {@code peekChar}. */
  @Test
  void characters() {
    MockSource flow = new MockSource("ab", "c");
    BufReader i = BufReader.of(flow, 100);
    assertEquals('a', i.anyChar());
    assertEquals(reads(2), flow.drain());
    assertEquals('b', i.peekChar());
    assertEquals('b', i.anyChar());
    assertEquals('c', i.anyChar());
    assertEquals(reads(1), flow.drain());
    assertThrows(EndOfInputException.class, i::anyChar);
    assertEquals(reads("Eof"), flow.drain());
    assertEquals(-1, i.peekChar());
  }

  /** buf_reader.md, "Fixed-length strings": a take that ran out consumes nothing. */
  @Test
  void fixedLengthStrings() {
    MockSource flow = new MockSource("ab", "c");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("a", s(i.take(1)));
    assertEquals(reads(2), flow.drain());
    assertThrows(EndOfInputException.class, () -> i.take(3));
    assertEquals(reads(1, "Eof"), flow.drain());
    assertEquals("bc", s(i.take(2)));
  }

  /**
   * buf_reader.md, "Literals". Eio's {@code Failure "Expected 'A' but got 'a'"} is an {@link
   * InputParseException} naming both, at the mismatch's offset; a mismatch is found without
   * reading further than needed.
   */
  @Test
  void literals() {
    MockSource flow = new MockSource("ab", "c");
    BufReader i = BufReader.of(flow, 100);
    InputParseException e = assertThrows(InputParseException.class, () -> i.expectChar('A'));
    assertEquals(reads(2), flow.drain());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("\"A\"") && e.getMessage().contains("\"ab\""), e.getMessage());
    i.expectChar('a');
    e = assertThrows(InputParseException.class, () -> i.expectString("BC"));
    assertEquals(List.of(), flow.drain(), "the first byte differs: nothing more is read");
    assertEquals(1, e.offset());
    assertTrue(e.getMessage().contains("\"BC\"") && e.getMessage().contains("\"b\""), e.getMessage());
    e = assertThrows(InputParseException.class, () -> i.expectString("bC"));
    assertEquals(reads(1), flow.drain());
    assertEquals(2, e.offset());
    assertTrue(e.getMessage().contains("\"bC\""), e.getMessage());
    assertThrows(EndOfInputException.class, () -> i.expectString("bcd"));
    assertEquals(reads("Eof"), flow.drain());
    assertThrows(EndOfInputException.class, () -> i.expectString("bcd"));
    i.expectString("bc");
    assertEquals(0, i.buffered());
    assertEquals(List.of(), flow.drain());
  }

  // ------------------------------------------------------------------ scanning

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /** buf_reader.md, "Scanning": skip_while and take_while across reads. */
  @Test
  void skipWhileAndTakeWhileAcrossReads() {
    MockSource flow = new MockSource("aa", "a0", "123de");
    BufReader i = BufReader.of(flow, 100);
    i.skipWhile(c -> c == 'a');
    assertEquals(reads(2, 2), flow.drain());
    assertEquals("0123", s(i.takeWhile(EioBufReaderConformanceTest::isDigit)));
    assertEquals(reads(5), flow.drain());
    assertEquals("de", s(i.takeWhile(c -> !isDigit(c))));
    assertEquals(reads("Eof"), flow.drain());
  }

  /** buf_reader.md, "Scanning": {@code skip 5 *> take_all}. */
  @Test
  void skipThenTakeAll() {
    MockSource flow = new MockSource("abc", "def", "ghi");
    BufReader i = BufReader.of(flow, 10);
    i.skip(5);
    assertEquals("fghi", s(i.takeAll()));
    assertEquals(reads(3, 3, 3, "Eof"), flow.drain());
  }

  /**
   * buf_reader.md, "Scanning": skip is not bound by {@code max_size}. Eio's buffer of 3 reads
   * 3, 3, 1; ours holds {@code maxSize + 1} bytes and reads 4, 3.
   */
  @Test
  void skipIsNotBoundByMaxSize() {
    MockSource flow = new MockSource("abcdefg");
    BufReader i = BufReader.of(flow, 3);
    i.skip(5);
    assertEquals("fg", s(i.takeAll()));
    assertEquals(reads(4, 3, "Eof"), flow.drain());
  }

  /**
   * buf_reader.md, "Scanning": {@code take_while1}/{@code skip_while1}. We have no "at least one"
   * forms: {@code takeWhile} returns an empty array (consuming nothing) and the caller decides.
   */
  @Test
  void takeWhileMayBeEmptyWhereEiosTakeWhile1Fails() {
    BufReader a = BufReader.of(new MockSource("aaabc"), 10);
    assertEquals("aaa", s(a.takeWhile(c -> c == 'a')));
    BufReader b = BufReader.of(new MockSource("aaabc"), 10);
    assertEquals("", s(b.takeWhile(c -> c != 'a')));
    assertEquals(0, b.offset());
    BufReader c = BufReader.of(new MockSource("abc"), 10);
    assertEquals("a", s(c.takeWhile(x -> x == 'a')));
  }

  /** As above for {@code skip_while1}: the offset tells whether anything was skipped. */
  @Test
  void skipWhileReportsNothingSkippedThroughTheOffset() {
    String[][] cases = {{"aaaaabc", "bc", "5"}, {"bbbccc", "bbbccc", "0"}, {"abbbccc", "bbbccc", "1"}};
    for (String[] k : cases) {
      BufReader r = BufReader.of(new MockSource(k[0]), 10);
      r.skipWhile(c -> c == 'a');
      assertEquals(Long.parseLong(k[2]), r.offset(), k[0]);
      assertEquals(k[1], s(r.takeAll()), k[0]);
    }
  }

  // ------------------------------------------------------------------ integers

  /**
   * buf_reader.md, "Big Endian". We have no 48-bit or floating-point readers: a 48-bit value is
   * a 16-bit and a 32-bit one, a float is {@code Float.intBitsToFloat(int32BE())}.
   */
  @Test
  void bigEndian() {
    assertEquals(0x8001, parseString("\u0080\u0001", BufReader::uint16BE));
    assertEquals(0x80402001L, parseString("\u0080\u0040\u0020\u0001", BufReader::uint32BE));
    assertEquals(
        (Long) 0x804020100801L,
        parseString("\u0080\u0040\u0020\u0010\u0008\u0001", r -> (Long) ((long) r.uint16BE() << 32 | r.uint32BE())));
    assertEquals(
        0x8040201008040201L,
        parseString("\u0080\u0040\u0020\u0010\u0008\u0004\u0002\u0001", BufReader::int64BE));
    assertEquals(
        "-5.888953e-39",
        String.format(
            "%e", EioBufReaderConformanceTest.<Float>parseString("\u0080\u0040\u0020\u0001", r -> Float.intBitsToFloat(r.int32BE()))));
    assertEquals(
        "-1.793993e-307",
        String.format(
            "%e",
            EioBufReaderConformanceTest.<Double>parseString(
                "\u0080\u0040\u0020\u0010\u0008\u0004\u0002\u0001",
                r -> Double.longBitsToDouble(r.int64BE()))));
  }

  /** buf_reader.md, "Little Endian". */
  @Test
  void littleEndian() {
    assertEquals(0x180, parseString("\u0080\u0001", BufReader::uint16LE));
    assertEquals(0x1204080L, parseString("\u0080\u0040\u0020\u0001", BufReader::uint32LE));
    assertEquals(
        (Long) 0x10810204080L,
        parseString("\u0080\u0040\u0020\u0010\u0008\u0001", r -> (Long) (r.uint32LE() | (long) r.uint16LE() << 32)));
    assertEquals(
        0x102040810204080L,
        parseString("\u0080\u0040\u0020\u0010\u0008\u0004\u0002\u0001", BufReader::int64LE));
    assertEquals(
        "2.943364e-38",
        String.format(
            "%e", EioBufReaderConformanceTest.<Float>parseString("\u0080\u0040\u0020\u0001", r -> Float.intBitsToFloat(r.int32LE()))));
    assertEquals(
        "8.209689e-304",
        String.format(
            "%e",
            EioBufReaderConformanceTest.<Double>parseString(
                "\u0080\u0040\u0020\u0010\u0008\u0004\u0002\u0001",
                r -> Double.longBitsToDouble(r.int64LE()))));
  }

  // ------------------------------------------------------------------ take all

  /** buf_reader.md, "Take all" (first case). */
  @Test
  void takeAllAfterALine() {
    MockSource flow = new MockSource("20 text/gemini\r\n", "# Introduction\n", "# Conclusion\n");
    BufReader i = BufReader.of(flow, 100);
    assertEquals("20 text/gemini", i.line());
    assertEquals(reads(16), flow.drain());
    assertEquals("# Introduction\n# Conclusion\n", s(i.takeAll()));
    assertEquals(reads(15, 13, "Eof"), flow.drain());
  }

  /**
   * buf_reader.md, "Take all" (second case): too much for {@code maxSize} is refused and nothing
   * is consumed. Eio's buffer of 10 reads 3, 3, 3, 1; ours of 11 reads 3, 3, 3, 2.
   */
  @Test
  void takeAllOverMaxSizeConsumesNothing() {
    MockSource flow = new MockSource("abc", "def", "ghi", "jkl");
    BufReader i = BufReader.of(flow, 10);
    assertThrows(BufferLimitExceededException.class, i::takeAll);
    assertEquals(reads(3, 3, 3, 2), flow.drain());
    assertEquals("abc", s(i.take(3)));
  }

  // ------------------------------------------------------------------ combinators

  /** buf_reader.md, "Combinators" ({@code map}, {@code pair}, {@code bind}) as plain calls. */
  @Test
  void combinatorsAreSequencesOfCalls() {
    MockSource f1 = new MockSource("abc");
    assertEquals("AB", s(BufReader.of(f1, 10).take(2)).toUpperCase());
    assertEquals(reads(3), f1.drain());

    MockSource f2 = new MockSource("abc");
    BufReader r2 = BufReader.of(f2, 10);
    assertEquals("a,bc", r2.anyChar() + "," + s(r2.takeAll()));
    assertEquals(reads(3, "Eof"), f2.drain());

    BufReader r3 = BufReader.of(new MockSource("abc"), 10);
    char x = r3.anyChar();
    InputParseException e = assertThrows(InputParseException.class, () -> r3.expectChar(x));
    assertTrue(e.getMessage().contains("\"a\"") && e.getMessage().contains("\"bc\""), e.getMessage());
  }

  /** buf_reader.md, "Syntax" ({@code let+}, {@code and+}, {@code let*}, {@code <*}, {@code *>}). */
  @Test
  void syntaxFormsAreSequencesOfCalls() {
    BufReader r1 = BufReader.of(new MockSource("aac"), 10);
    r1.expectChar(r1.anyChar());
    assertEquals("c", s(r1.takeAll()));

    BufReader r2 = BufReader.of(new MockSource("ab"), 10);
    char a = r2.anyChar();
    r2.anyChar();
    assertEquals('a', a);

    BufReader r3 = BufReader.of(new MockSource("ab"), 10);
    r3.anyChar();
    assertEquals('b', r3.anyChar());
  }

  // ------------------------------------------------------------------ errors

  /**
   * buf_reader.md, "Error handling": Eio's {@code format_errors} messages are our three
   * exceptions, at the same offsets. The last case reads 3 bytes, not 2 (our buffer is {@code
   * maxSize + 1}).
   */
  @Test
  void errorsCarryEiosOffsets() {
    assertEquals("abc", s(BufReader.of(new MockSource("abc"), 10).take(3)));

    BufReader r2 = BufReader.of(new MockSource("abc"), 10);
    r2.take(2);
    assertEquals(2, assertThrows(InputParseException.class, r2::endOfInput).offset());

    BufReader r3 = BufReader.of(new MockSource("abc"), 10);
    assertEquals(3, assertThrows(EndOfInputException.class, () -> r3.take(4)).offset());

    MockSource f4 = new MockSource("abc");
    BufReader r4 = BufReader.of(f4, 2);
    assertEquals(0, assertThrows(BufferLimitExceededException.class, r4::line).offset());
    assertEquals(reads(3), f4.drain());
  }

  // ------------------------------------------------------------------ sequences

  /** buf_reader.md, "Sequences": {@code lines} reads lazily, as Eio's trace shows. */
  @Test
  void linesAreReadLazily() {
    MockSource flow = new MockSource("one", "\ntwo\n", "three");
    List<String> trace = new ArrayList<>();
    for (String line : BufReader.of(flow, 10).lines()) {
      trace.addAll(flow.drain());
      trace.add(line);
    }
    trace.addAll(flow.drain());
    List<String> want = new ArrayList<>(reads(3, 5));
    want.addAll(List.of("one", "two"));
    want.addAll(reads(5, "Eof"));
    want.add("three");
    assertEquals(want, trace);
  }

  /** buf_reader.md, "Sequences": {@code seq (take 2)} is a loop until end of input. */
  @Test
  void repeatedTakeUntilEndOfInput() {
    Function<String, String> takeTwos =
        in -> {
          BufReader r = BufReader.of(new MockSource(in), 10);
          List<String> out = new ArrayList<>();
          while (!r.atEndOfInput()) {
            out.add(s(r.take(2)));
          }
          return String.join(",", out);
        };
    assertEquals("ab,cd,12,34", takeTwos.apply("abcd1234"));
    assertThrows(EndOfInputException.class, () -> takeTwos.apply("abcd123"));
  }

  /**
   * buf_reader.md, "A sequence node remembers its offset and fails if used out of sequence". Not
   * so here: every iterator of {@code lines()} continues from the reader's position, so an older
   * iterator simply yields the next line (Eio raises "Sequence is stale").
   */
  @Test
  void everyLinesIteratorContinuesFromTheReadersPosition() {
    BufReader i = BufReader.of(new MockSource("one", "\ntwo\n", "three"), 100);
    Iterable<String> seq = i.lines();
    Iterator<String> first = seq.iterator();
    Iterator<String> second = seq.iterator();
    assertEquals("one", first.next());
    assertEquals("two", second.next());
    assertEquals("three", first.next());
    assertFalse(second.hasNext());
  }

  // ------------------------------------------------------------------ parse

  /** Eio's {@code parse (string "FROM:" *> take_all)} on {@code input} with maxSize 5. */
  private static String from(String input) {
    BufReader r = BufReader.of(Flow.ofString(input), 5);
    r.expectString("FROM:");
    String v = s(r.takeAll());
    r.endOfInput();
    return v;
  }

  /** buf_reader.md, "Convenience wrapper" ({@code parse}; {@code parse_exn} has the same cases). */
  @Test
  void parseErrorsAtEiosOffsets() {
    assertEquals("A", from("FROM:A"));
    InputParseException e = assertThrows(InputParseException.class, () -> from("TO:B"));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("\"FROM:\"") && e.getMessage().contains("\"TO:B\""), e.getMessage());

    Consumer<String> end =
        in -> {
          BufReader r = BufReader.of(Flow.ofString(in), 5);
          r.expectString("END");
          r.endOfInput();
        };
    assertEquals(3, assertThrows(InputParseException.class, () -> end.accept("ENDING")).offset());
    assertEquals(1, assertThrows(EndOfInputException.class, () -> end.accept("E")).offset());

    Consumer<String> take3 =
        in -> {
          BufReader r = BufReader.of(Flow.ofString(in), 5);
          r.take(3);
          r.endOfInput();
        };
    assertEquals(3, assertThrows(InputParseException.class, () -> take3.accept("ENDING")).offset());
    assertEquals(1, assertThrows(EndOfInputException.class, () -> take3.accept("E")).offset());
  }

  /**
   * buf_reader.md, "Convenience wrapper", {@code "FROM:ABCDE"} with maxSize 5: Eio refuses the 5
   * remaining bytes (its {@code take_all} needs room for one byte more than the item); ours holds
   * an item of exactly {@code maxSize} bytes and refuses the sixth, at the same offset.
   */
  @Test
  void takeAllHoldsExactlyMaxSizeBytes() {
    assertEquals("ABCDE", from("FROM:ABCDE"));
    assertEquals(
        5, assertThrows(BufferLimitExceededException.class, () -> from("FROM:ABCDEF")).offset());
  }

  /** buf_reader.md, "Parsing strings" ({@code of_string} is a reader over {@code Flow.ofString}). */
  @Test
  void parsingStrings() {
    BufReader r = BufReader.of(Flow.ofString("hello\nworld\n"));
    assertEquals("hello", r.line());
    assertEquals("world", r.line());
    assertThrows(EndOfInputException.class, r::line);

    assertEquals("foo", parseString("foo\n", BufReader::line));
    assertEquals(
        4,
        assertThrows(InputParseException.class, () -> parseString("foo\nbar\n", BufReader::line))
            .offset());
  }

  /** buf_reader.md, "Test using mock flow": {@code line <*> line} over two reads. */
  @Test
  void twoLinesOverTwoReads() {
    MockSource flow = new MockSource("foo\nba", "r\n");
    BufReader r = BufReader.of(flow, 100);
    assertEquals("foo", r.line());
    assertEquals("bar", r.line());
    r.endOfInput();
    assertEquals(reads(6, 2, "Eof"), flow.drain());
  }
}
