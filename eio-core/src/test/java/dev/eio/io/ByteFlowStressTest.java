package dev.eio.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized checks of the byte flows: random input, random chunking, random cancellation. Raise
 * the iteration count with {@code -Deio.stress.iterations=N}; a failure message names the seed.
 */
@Timeout(30)
class ByteFlowStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 150);

  // ------------------------------------------------------------------ lines

  private static String randomText(Random rnd) {
    String[] pieces = {"a", "bc", " ", "é", "€", "𝄞", "\n", "\r\n", "\r", "xyz", ""};
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(200);
    for (int i = 0; i < n; i++) {
      sb.append(pieces[rnd.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  /** The lines of a whole text by the documented rule: LF or CRLF ends a line. */
  private static List<String> expectedLines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
        out.add(text.substring(start, end));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  @Test
  void linesReadFromRandomChunkingEqualTheLinesOfTheWholeText() {
    for (int it = 0; it < ITERATIONS * 4; it++) {
      long seed = 1000L + it;
      Random rnd = new Random(seed);
      String text = randomText(rnd);
      byte[] bytes = text.getBytes(UTF_8);
      BufReader r =
          BufReader.of(new ChunkedSource(bytes, seed, 1 + rnd.nextInt(9), false), 1024);
      List<String> got = new ArrayList<>();
      for (String line : r.lines()) {
        got.add(line);
      }
      assertEquals(expectedLines(text), got, "seed " + seed);
      assertEquals(bytes.length, r.offset(), "seed " + seed + ": every byte consumed once");
    }
  }

  // ------------------------------------------------------------------ random parsing

  /**
   * A random mix of parser operations over random bytes, some of them cancelled mid-read. The
   * model is the input itself: every result must equal the input at the reader's offset, a
   * failure must be one of the documented ones and consume nothing (skips excepted, which may
   * stop part-way), and the rest of the input is still there at the end.
   */
  @Test
  void randomParsesOnRandomBytesEitherSucceedOrFailClearlyAndLoseNothing() {
    for (int it = 0; it < ITERATIONS; it++) {
      long seed = 5000L + it;
      runRandomParse(seed);
    }
  }

  private static void runRandomParse(long seed) {
    Random rnd = new Random(seed);
    byte[] data = new byte[rnd.nextInt(400)];
    for (int i = 0; i < data.length; i++) {
      // Mostly a few symbols, so expectations and takeWhile sometimes match.
      data[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : (byte) "ab\r\n".charAt(rnd.nextInt(4));
    }
    AtomicReference<Cancel.Context> current = new AtomicReference<>();
    Random cancelRnd = new Random(seed * 31);
    Source cancelling =
        new Source() {
          final ChunkedSource inner = new ChunkedSource(data, seed, 1 + rnd.nextInt(7), false);

          @Override
          public int read(ByteBuffer dst) {
            Cancel.Context ctx = current.get();
            if (ctx != null && cancelRnd.nextInt(8) == 0) {
              ctx.cancel(new RuntimeException("random cancel"));
            }
            // A cancellation point before any byte is handed out. Not Fiber.yield(): this runs on
            // the test's platform thread, where a yield is the OS's, and on a busy machine each
            // of the ~16,000 yields of this test gave the processor away for a time slice.
            Fiber.check();
            return inner.read(dst);
          }
        };
    int maxSize = 1 + rnd.nextInt(40);
    BufReader r = BufReader.of(cancelling, maxSize);
    String where = "seed " + seed;
    for (int step = 0; step < 60; step++) {
      int op = rnd.nextInt(12);
      long before = r.offset();
      int at = (int) before;
      try {
        Cancel.sub(
            ctx -> {
              current.set(ctx);
              try {
                applyOp(op, r, rnd, data, at, where);
              } finally {
                current.set(null);
              }
            });
      } catch (Cancelled c) {
        assertTrue(
            r.offset() == before || op == 8 || op == 9,
            where + ": a cancelled op other than a skip consumed bytes");
      } catch (EndOfInputException e) {
        assertTrue(e.offset() <= data.length, where);
        assertTrue(
            r.offset() == before || op == 8 || op == 9,
            where + ": a failed op other than a skip consumed bytes");
      } catch (InputParseException | BufferLimitExceededException e) {
        assertEquals(before, r.offset(), where + ": a failed op consumed bytes: " + e);
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
      }
      assertTrue(r.offset() >= before && r.offset() <= data.length, where);
    }
    // Nothing lost: the rest of the input is exactly what follows the offset.
    current.set(null);
    int at = (int) r.offset();
    BufferSink rest = Flow.bufferSink();
    Flow.copy(r, rest);
    assertArrayEquals(Arrays.copyOfRange(data, at, data.length), rest.toByteArray(), where);
  }

  private static void applyOp(int op, BufReader r, Random rnd, byte[] data, int at, String where) {
    switch (op) {
      case 0 -> {
        byte[] got = r.take(rnd.nextInt(10));
        assertArrayEquals(Arrays.copyOfRange(data, at, at + got.length), got, where);
      }
      case 1 -> {
        int limit = rnd.nextInt(256);
        byte[] got = r.takeWhile(b -> b < limit);
        assertArrayEquals(Arrays.copyOfRange(data, at, at + got.length), got, where);
        assertTrue(at + got.length == data.length || (data[at + got.length] & 0xFF) >= limit, where);
      }
      case 2 -> {
        String line = r.line();
        assertTrue(r.offset() > at, where);
        byte[] raw = Arrays.copyOfRange(data, at, (int) r.offset());
        String decoded = new String(raw, UTF_8);
        String expected =
            decoded.endsWith("\r\n")
                ? decoded.substring(0, decoded.length() - 2)
                : decoded.endsWith("\n") ? decoded.substring(0, decoded.length() - 1) : decoded;
        assertEquals(expected, line, where);
      }
      case 3 -> {
        int c = r.peekChar();
        assertEquals(at < data.length ? data[at] & 0xFF : -1, c, where);
      }
      case 4 -> {
        char c = rnd.nextBoolean() && at < data.length ? (char) (data[at] & 0xFF) : 'a';
        r.expectChar(c);
        assertEquals(c, data[at] & 0xFF, where);
      }
      case 5 -> {
        int len = rnd.nextInt(6);
        byte[] want =
            rnd.nextBoolean() && at + len <= data.length
                ? Arrays.copyOfRange(data, at, at + len)
                : "ab\r\n".getBytes(UTF_8);
        // Only ASCII/Latin-1-safe strings: build it so its UTF-8 form is exactly want when ASCII.
        boolean ascii = true;
        for (byte b : want) {
          ascii &= b >= 0;
        }
        if (!ascii) {
          want = "ab".getBytes(UTF_8);
        }
        r.expectString(new String(want, UTF_8));
        assertArrayEquals(want, Arrays.copyOfRange(data, at, at + want.length), where);
      }
      case 6 -> assertEquals(at == data.length, r.atEndOfInput(), where);
      case 7 -> {
        int v = r.int32BE();
        assertEquals(ByteBuffer.wrap(data, at, 4).getInt(), v, where);
      }
      case 8 -> r.skip(rnd.nextInt(20));
      case 9 -> {
        int limit = rnd.nextInt(256);
        r.skipWhile(b -> b < limit);
        assertTrue(r.offset() == data.length || (data[(int) r.offset()] & 0xFF) >= limit, where);
      }
      case 10 -> {
        int v = r.uint16LE();
        assertEquals((data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8, v, where);
      }
      default -> {
        if (rnd.nextInt(4) == 0) {
          byte[] got = r.takeAll();
          assertArrayEquals(Arrays.copyOfRange(data, at, data.length), got, where);
        } else {
          r.endOfInput();
          assertEquals(data.length, at, where);
        }
      }
    }
  }

  // ------------------------------------------------------------------ concurrent writers

  /**
   * Several fibers share one coalescing writer with a small capacity, some of their writes
   * cancelled while they wait for room. Every write that returned appears exactly once, whole,
   * in its fiber's order; no cancelled write leaves a byte.
   */
  @Test
  void concurrentWritesArriveWholeOnceAndInOrderAndCancelledOnesNever() {
    java.util.concurrent.atomic.AtomicInteger cancelledWrites = new java.util.concurrent.atomic.AtomicInteger();
    for (int it = 0; it < Math.max(1, ITERATIONS / 5); it++) {
      long seed = 9000L + it;
      Random rnd = new Random(seed);
      BufferSink out = Flow.bufferSink();
      Sink slow =
          src -> {
            if (rnd.nextBoolean()) {
              Thread.yield(); // longer busy periods, so writers must wait (not cancellable)
            }
            out.write(src);
          };
      int fibers = 4;
      int records = 40;
      boolean[][] completed = new boolean[fibers][records];
      Switch.run(
          sw -> {
            BufWriter w = BufWriter.of(sw, slow, 48);
            Switch.run(
                writers -> {
                  for (int f = 0; f < fibers; f++) {
                    int fiber = f;
                    long fseed = seed * 7 + f;
                    writers.fork(
                        () -> {
                          Random fr = new Random(fseed);
                          for (int i = 0; i < records; i++) {
                            int len = fr.nextInt(40);
                            String rec = fiber + ":" + i + ":" + "x".repeat(len) + ";";
                            boolean cancel = fr.nextInt(5) == 0;
                            int k = i;
                            try {
                              Cancel.sub(
                                  ctx -> {
                                    if (cancel) {
                                      ctx.cancel(new RuntimeException("random cancel"));
                                    }
                                    w.writeString(rec);
                                    completed[fiber][k] = true;
                                  });
                            } catch (Cancelled c) {
                              // cancelled while waiting for room: nothing was written
                              cancelledWrites.incrementAndGet();
                            }
                            if (fr.nextInt(10) == 0) {
                              w.flush();
                            }
                          }
                        });
                  }
                });
            w.close();
          });
      checkRecords(out.toString(), completed, "seed " + seed);
    }
    assertTrue(cancelledWrites.get() > 0, "some writes were cancelled while waiting for room");
  }

  private static void checkRecords(String output, boolean[][] completed, String where) {
    Map<Integer, Integer> lastSeen = new HashMap<>();
    boolean[][] seen = new boolean[completed.length][completed[0].length];
    for (String rec : output.split(";", -1)) {
      if (rec.isEmpty()) {
        continue;
      }
      String[] parts = rec.split(":", -1);
      assertEquals(3, parts.length, where + ": torn record " + rec);
      int f = Integer.parseInt(parts[0]);
      int i = Integer.parseInt(parts[1]);
      assertTrue(parts[2].chars().allMatch(c -> c == 'x'), where + ": torn record " + rec);
      assertFalse(seen[f][i], where + ": record twice " + rec);
      seen[f][i] = true;
      assertTrue(lastSeen.getOrDefault(f, -1) < i, where + ": out of order " + rec);
      lastSeen.put(f, i);
    }
    for (int f = 0; f < completed.length; f++) {
      for (int i = 0; i < completed[f].length; i++) {
        assertEquals(completed[f][i], seen[f][i], where + ": record " + f + ":" + i);
      }
    }
  }
}
