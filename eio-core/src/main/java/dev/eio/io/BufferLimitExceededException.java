package dev.eio.io;

/**
 * Thrown by a {@link BufReader} when an operation would need to hold more than the reader's
 * {@code maxSize} bytes at once (a line, a {@code take}, a {@code takeWhile} run); it protects
 * the program from unbounded input such as a line that never ends.
 *
 * <p>Nothing is consumed: the reader stays at the same offset with its buffer full.
 *
 * <pre>{@code
 * BufReader r = BufReader.of(src, 8192);
 * try {
 *   String header = r.line();
 * } catch (BufferLimitExceededException e) {
 *   // e.getMessage(): line longer than maxSize 8192 bytes at offset 0
 * }
 * }</pre>
 */
public class BufferLimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int maxSize;
  private final long offset;

  /** Creates the exception for {@code what} exceeding {@code maxSize} at {@code offset}. */
  public BufferLimitExceededException(String what, int maxSize, long offset) {
    super(what + " longer than maxSize " + maxSize + " bytes at offset " + offset);
    this.maxSize = maxSize;
    this.offset = offset;
  }

  /** The reader's limit that was reached. */
  public int maxSize() {
    return maxSize;
  }

  /** The offset, from the start of the stream, where the too-long item starts. */
  public long offset() {
    return offset;
  }
}
