package dev.eio.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntPredicate;

/**
 * A buffered parser over a {@link Source}: each method consumes a piece of input (a line, n
 * bytes, an integer) or fails without consuming anything, reading more from the source only when
 * the buffered bytes do not suffice and never holding more than {@code maxSize} bytes for one
 * item.
 *
 * <p><b>Guarantees.</b> Three failures are kept apart: {@link EndOfInputException} (the input
 * ended too early), {@link InputParseException} (the input is not what was expected; the message
 * says what, at which offset, and what was there) and {@link BufferLimitExceededException} (an
 * item would exceed {@code maxSize}); I/O failures of the source pass through as {@link
 * java.io.UncheckedIOException}. Offsets count bytes from the start of the stream. A failed
 * operation consumes nothing, and a cancelled one ({@link dev.eio.Cancelled} from the source's
 * read) neither loses nor duplicates a byte: the reader can be used again. Bytes are bytes: a
 * "char" here is one byte, 0 to 255, as in Eio; {@link #line()} decodes its bytes as UTF-8. Memory
 * is at most {@code maxSize + 1} bytes of buffer. A reader is used by one fiber at a time.
 *
 * <p>The reader is itself a {@link Source}: reading it drains the buffered bytes first, so the
 * rest of a stream can be handed on after a header was parsed.
 *
 * <pre>{@code
 * BufReader r = BufReader.of(Flow.ofString("PUT 3\r\nabc"), 8192);
 * r.expectString("PUT ");
 * int n = Integer.parseInt(new String(r.takeWhile(Character::isDigit), US_ASCII));
 * r.expectString("\r\n");
 * byte[] body = r.take(n);
 * r.endOfInput();
 * }</pre>
 */
public final class BufReader implements Source {
  /** The {@code maxSize} used by {@link #of(Source)}: 64 KiB. */
  public static final int DEFAULT_MAX_SIZE = 64 * 1024;

  /** The largest {@code maxSize} accepted: 1 GiB. */
  public static final int MAX_MAX_SIZE = 1 << 30;

  private static final int INITIAL = 4096;
  private static final int SHOWN = 16;

  private final Source src;
  private final int maxSize;
  private byte[] buf;
  private int pos; // first unconsumed byte
  private int lim; // end of the buffered bytes
  private long consumed; // stream offset of buf[pos]
  private boolean eof;

  private BufReader(Source src, int maxSize) {
    this.src = src;
    this.maxSize = maxSize;
    // One spare byte over maxSize tells "exactly maxSize, then the end" from "too long".
    this.buf = new byte[Math.min(INITIAL, maxSize + 1)];
  }

  /**
   * A reader over {@code src} holding at most {@code maxSize} bytes for one item.
   *
   * @throws IllegalArgumentException when {@code maxSize} is below 1 or above {@link
   *     #MAX_MAX_SIZE}
   */
  public static BufReader of(Source src, int maxSize) {
    if (src == null) {
      throw new NullPointerException("src");
    }
    if (maxSize < 1 || maxSize > MAX_MAX_SIZE) {
      throw new IllegalArgumentException(
          "maxSize must be between 1 and " + MAX_MAX_SIZE + ", got " + maxSize);
    }
    return new BufReader(src, maxSize);
  }

  /** A reader over {@code src} with a {@code maxSize} of {@link #DEFAULT_MAX_SIZE}. */
  public static BufReader of(Source src) {
    return of(src, DEFAULT_MAX_SIZE);
  }

  /** The largest item, in bytes, this reader holds at once. */
  public int maxSize() {
    return maxSize;
  }

  /** How many bytes have been consumed since the start of the stream. */
  public long offset() {
    return consumed;
  }

  /** How many bytes are buffered and not yet consumed (read without blocking). */
  public int buffered() {
    return lim - pos;
  }

  // ------------------------------------------------------------------ buffer management

  /**
   * Reads once more from the source so that more than the current bytes are buffered, with room
   * for {@code want} bytes in total. Returns false at end of input.
   */
  private boolean fill(int want) {
    if (eof) {
      return false;
    }
    int avail = lim - pos;
    want = Math.max(want, avail + 1);
    if (buf.length - pos < want) {
      byte[] target = buf;
      if (buf.length < want) {
        long grown = Math.max(want, 2L * buf.length);
        target = new byte[(int) Math.min(grown, maxSize + 1L)];
      }
      System.arraycopy(buf, pos, target, 0, avail);
      buf = target;
      pos = 0;
      lim = avail;
    }
    if (lim == buf.length) {
      // Callers never ask for more than maxSize + 1 bytes; a full buffer here is a bug, and
      // reading into no room would return 0 forever.
      throw new IllegalStateException("BufReader buffer full: " + this);
    }
    ByteBuffer dst = ByteBuffer.wrap(buf, lim, buf.length - lim);
    int n = src.read(dst);
    if (n < 0) {
      eof = true;
      return false;
    }
    lim += n;
    return true;
  }

  /** Buffers at least {@code n} bytes, or throws for the limit or end of input. */
  private void require(int n, String what) {
    if (n > maxSize) {
      throw new BufferLimitExceededException(what, maxSize, consumed);
    }
    while (lim - pos < n) {
      if (!fill(n)) {
        throw new EndOfInputException(consumed + (lim - pos), what);
      }
    }
  }

  private void consume(int n) {
    pos += n;
    consumed += n;
    if (pos == lim) {
      pos = 0;
      lim = 0;
    }
  }

  private byte[] takeBytes(int n) {
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    consume(n);
    return out;
  }

  // ------------------------------------------------------------------ peeking

  /**
   * The next byte (0 to 255) without consuming it, or {@code -1} at end of input; blocks until
   * one of the two is known.
   */
  public int peekChar() {
    if (lim == pos && !fill(1)) {
      return -1;
    }
    return buf[pos] & 0xFF;
  }

  /** Whether the input has ended (no byte left); blocks until that is known. */
  public boolean atEndOfInput() {
    return lim == pos && !fill(1);
  }

  /**
   * Succeeds only at end of input.
   *
   * @throws InputParseException when bytes remain
   */
  public void endOfInput() {
    if (!atEndOfInput()) {
      throw new InputParseException("end of input", consumed, found(0));
    }
  }

  // ------------------------------------------------------------------ bytes and text

  /**
   * The next byte as a char (0 to 255), consumed.
   *
   * @throws EndOfInputException at end of input
   */
  public char anyChar() {
    require(1, "reading a char");
    char c = (char) (buf[pos] & 0xFF);
    consume(1);
    return c;
  }

  /**
   * Consumes the byte {@code c}.
   *
   * @throws IllegalArgumentException when {@code c} is not a byte value (above 255)
   * @throws InputParseException when the next byte is another one
   * @throws EndOfInputException at end of input
   */
  public void expectChar(char c) {
    if (c > 0xFF) {
      throw new IllegalArgumentException(
          "c must be a byte value (0 to 255), got U+" + String.format("%04X", (int) c));
    }
    require(1, "expecting " + show(new byte[] {(byte) c}, 0, 1));
    if ((buf[pos] & 0xFF) != c) {
      throw new InputParseException(show(new byte[] {(byte) c}, 0, 1), consumed, found(0));
    }
    consume(1);
  }

  /**
   * Consumes the UTF-8 bytes of {@code s}, or nothing.
   *
   * @throws InputParseException when the input differs (at the first differing byte's offset)
   * @throws EndOfInputException when the input ends before the string does
   * @throws BufferLimitExceededException when {@code s} is longer than {@code maxSize} bytes
   */
  public void expectString(String s) {
    if (s == null) {
      throw new NullPointerException("s");
    }
    byte[] want = s.getBytes(StandardCharsets.UTF_8);
    String shown = show(want, 0, want.length);
    if (want.length > maxSize) {
      throw new BufferLimitExceededException("expected string " + shown, maxSize, consumed);
    }
    for (int i = 0; i < want.length; i++) {
      if (lim - pos <= i && !fill(want.length)) {
        throw new EndOfInputException(consumed + i, "expecting " + shown);
      }
      if (buf[pos + i] != want[i]) {
        throw new InputParseException(
            shown + " (differs at byte " + i + ")", consumed + i, found(i));
      }
    }
    consume(want.length);
  }

  /**
   * The next line, without its line ending (LF or CRLF), decoded as UTF-8; the last line of the
   * input may have no line ending. A line and its line ending must fit in {@code maxSize} bytes.
   *
   * @throws EndOfInputException when no byte is left
   * @throws BufferLimitExceededException when the line is too long
   */
  public String line() {
    int scanned = 0; // bytes after pos known to hold no LF
    while (true) {
      int end = -1;
      int stop = Math.min(lim, pos + maxSize);
      for (int i = pos + scanned; i < stop; i++) {
        if (buf[i] == '\n') {
          end = i;
          break;
        }
      }
      if (end >= 0) {
        int len = end - pos;
        int textLen = len > 0 && buf[end - 1] == '\r' ? len - 1 : len;
        String line = new String(buf, pos, textLen, StandardCharsets.UTF_8);
        consume(len + 1);
        return line;
      }
      scanned = stop - pos;
      // maxSize bytes and one more, no LF among the first maxSize: the line cannot fit. With
      // exactly maxSize bytes, end of input may still follow and make them the last line.
      if (lim - pos > maxSize) {
        throw new BufferLimitExceededException("line", maxSize, consumed);
      }
      if (!fill(scanned + 1)) {
        if (lim == pos) {
          throw new EndOfInputException(consumed, "reading a line");
        }
        int len = lim - pos;
        String line = new String(buf, pos, len, StandardCharsets.UTF_8);
        consume(len);
        return line;
      }
    }
  }

  /**
   * The remaining lines, read lazily as the iteration proceeds (each as {@link #line()}), until
   * end of input. Every call continues from the reader's current position; the iterators share
   * the reader and are not thread-safe. (An {@code Iterable}, not a {@code java.util.stream
   * .Stream}, so that the blocking reads and their exceptions stay in the caller's loop.)
   */
  public Iterable<String> lines() {
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return !atEndOfInput();
          }

          @Override
          public String next() {
            if (!hasNext()) {
              throw new NoSuchElementException("end of input at offset " + consumed);
            }
            return line();
          }
        };
  }

  /**
   * The next {@code n} bytes, consumed.
   *
   * @throws IllegalArgumentException when {@code n} is negative
   * @throws BufferLimitExceededException when {@code n} is above {@code maxSize}
   * @throws EndOfInputException when fewer than {@code n} bytes remain (none are consumed)
   */
  public byte[] take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    require(n, "taking " + n + " bytes");
    return takeBytes(n);
  }

  /**
   * Every remaining byte, consumed; afterwards the reader is at end of input.
   *
   * @throws BufferLimitExceededException when more than {@code maxSize} bytes remain
   */
  public byte[] takeAll() {
    do {
      // Checked before reading too: an earlier operation may have buffered maxSize + 1 bytes.
      if (lim - pos > maxSize) {
        throw new BufferLimitExceededException("rest of the input", maxSize, consumed);
      }
    } while (fill(maxSize + 1));
    return takeBytes(lim - pos);
  }

  /**
   * The longest run of next bytes (0 to 255) matching {@code pred}, consumed; possibly empty.
   * {@code Character::isDigit} and friends fit, since a byte is passed as an {@code int}.
   *
   * @throws BufferLimitExceededException when the run is longer than {@code maxSize}
   */
  public byte[] takeWhile(IntPredicate pred) {
    if (pred == null) {
      throw new NullPointerException("pred");
    }
    int n = 0;
    while (true) {
      while (pos + n < lim && pred.test(buf[pos + n] & 0xFF)) {
        n++;
      }
      if (n > maxSize) {
        throw new BufferLimitExceededException("takeWhile run", maxSize, consumed);
      }
      if (pos + n < lim || !fill(n + 1)) {
        return takeBytes(n);
      }
    }
  }

  /**
   * Consumes the longest run of next bytes matching {@code pred}, of any length (nothing is kept,
   * so {@code maxSize} does not apply).
   */
  public void skipWhile(IntPredicate pred) {
    if (pred == null) {
      throw new NullPointerException("pred");
    }
    while (true) {
      int n = 0;
      while (pos + n < lim && pred.test(buf[pos + n] & 0xFF)) {
        n++;
      }
      boolean stopped = pos + n < lim;
      consume(n);
      if (stopped || !fill(1)) {
        return;
      }
    }
  }

  /**
   * Consumes the next {@code n} bytes, of any number (nothing is kept, so {@code maxSize} does
   * not apply).
   *
   * @throws IllegalArgumentException when {@code n} is negative
   * @throws EndOfInputException when fewer than {@code n} bytes remain; the bytes that were there
   *     are consumed, since a skip that cannot complete has nothing to go back to
   */
  public void skip(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    long left = n;
    while (true) {
      int step = (int) Math.min(left, lim - pos);
      consume(step);
      left -= step;
      if (left == 0) {
        return;
      }
      if (!fill(1)) {
        throw new EndOfInputException(consumed, "skipping " + n + " bytes");
      }
    }
  }

  // ------------------------------------------------------------------ integers

  /** The next byte, unsigned (0 to 255). @throws EndOfInputException at end of input */
  public int uint8() {
    require(1, "reading uint8");
    int v = buf[pos] & 0xFF;
    consume(1);
    return v;
  }

  /** The next byte, signed. @throws EndOfInputException at end of input */
  public byte int8() {
    require(1, "reading int8");
    byte v = buf[pos];
    consume(1);
    return v;
  }

  /** The next 2 bytes as an unsigned big-endian integer. */
  public int uint16BE() {
    return (int) be(2, "reading uint16BE");
  }

  /** The next 2 bytes as an unsigned little-endian integer. */
  public int uint16LE() {
    return (int) le(2, "reading uint16LE");
  }

  /** The next 2 bytes as a signed big-endian integer. */
  public short int16BE() {
    return (short) be(2, "reading int16BE");
  }

  /** The next 2 bytes as a signed little-endian integer. */
  public short int16LE() {
    return (short) le(2, "reading int16LE");
  }

  /** The next 4 bytes as an unsigned big-endian integer. */
  public long uint32BE() {
    return be(4, "reading uint32BE");
  }

  /** The next 4 bytes as an unsigned little-endian integer. */
  public long uint32LE() {
    return le(4, "reading uint32LE");
  }

  /** The next 4 bytes as a signed big-endian integer. */
  public int int32BE() {
    return (int) be(4, "reading int32BE");
  }

  /** The next 4 bytes as a signed little-endian integer. */
  public int int32LE() {
    return (int) le(4, "reading int32LE");
  }

  /** The next 8 bytes as a signed big-endian integer. */
  public long int64BE() {
    return be(8, "reading int64BE");
  }

  /** The next 8 bytes as a signed little-endian integer. */
  public long int64LE() {
    return le(8, "reading int64LE");
  }

  private long be(int width, String what) {
    require(width, what);
    long v = 0;
    for (int i = 0; i < width; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFFL);
    }
    consume(width);
    return v;
  }

  private long le(int width, String what) {
    require(width, what);
    long v = 0;
    for (int i = width - 1; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xFFL);
    }
    consume(width);
    return v;
  }

  // ------------------------------------------------------------------ as a Source

  /**
   * Reads buffered bytes first, then from the underlying source; the consumed bytes count
   * towards {@link #offset()}.
   */
  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (lim > pos) {
      int n = Math.min(dst.remaining(), lim - pos);
      dst.put(buf, pos, n);
      consume(n);
      return n;
    }
    if (eof) {
      return -1;
    }
    int n = src.read(dst);
    if (n < 0) {
      eof = true;
      return -1;
    }
    consumed += n;
    return n;
  }

  // ------------------------------------------------------------------ messages

  /** What the input holds at {@code pos + skip}, for an error message; may read nothing more. */
  private String found(int skip) {
    int from = pos + skip;
    if (from >= lim) {
      return "end of input";
    }
    int n = Math.min(SHOWN, lim - from);
    return show(buf, from, n) + (lim - from > SHOWN ? "..." : "");
  }

  /** A quoted, escaped rendering of bytes: printable ASCII as is, others as escapes. */
  static String show(byte[] bytes, int from, int n) {
    StringBuilder sb = new StringBuilder(n + 2).append('"');
    for (int i = from; i < from + n; i++) {
      int b = bytes[i] & 0xFF;
      switch (b) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (b >= 0x20 && b < 0x7F) {
            sb.append((char) b);
          } else {
            sb.append(String.format("\\x%02X", b));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return "BufReader[offset " + consumed + ", " + (lim - pos) + " buffered, maxSize " + maxSize
        + (eof ? ", at end of source" : "") + "]";
  }
}
