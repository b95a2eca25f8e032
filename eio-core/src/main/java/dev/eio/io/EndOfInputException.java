package dev.eio.io;

/**
 * Thrown by a {@link BufReader} when the input ended before the bytes an operation needed; it is
 * not an I/O failure (those are {@link java.io.UncheckedIOException}) nor a parse failure ({@link
 * InputParseException}).
 *
 * <p>{@link #offset()} is where the input ended, counted in bytes from the start of the stream.
 *
 * <pre>{@code
 * try {
 *   int len = reader.int32BE();
 * } catch (EndOfInputException e) {
 *   // the peer closed the connection cleanly, or in the middle of a frame
 * }
 * }</pre>
 */
public class EndOfInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  /** Creates the exception for input that ended at {@code offset} while doing {@code what}. */
  public EndOfInputException(long offset, String what) {
    super("unexpected end of input at offset " + offset + " while " + what);
    this.offset = offset;
  }

  /** The offset, from the start of the stream, at which the input ended. */
  public long offset() {
    return offset;
  }
}
