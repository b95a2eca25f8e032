package dev.eio.io;

import dev.eio.Fiber;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * A test source over bytes that hands out 1..maxChunk bytes per read (chosen by a seeded random)
 * and optionally yields before each read, making each read a cancellation point.
 */
final class ChunkedSource implements Source {
  private final byte[] data;
  private final Random random;
  private final int maxChunk;
  private final boolean yielding;
  private int pos;
  int reads;

  ChunkedSource(byte[] data, long seed, int maxChunk, boolean yielding) {
    this.data = data;
    this.random = new Random(seed);
    this.maxChunk = maxChunk;
    this.yielding = yielding;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (yielding) {
      Fiber.yield(); // may throw Cancelled before anything is handed out
    }
    reads++;
    if (pos == data.length) {
      return -1;
    }
    int n = Math.min(Math.min(dst.remaining(), data.length - pos), 1 + random.nextInt(maxChunk));
    dst.put(data, pos, n);
    pos += n;
    return n;
  }

  int delivered() {
    return pos;
  }
}
