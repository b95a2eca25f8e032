package dev.eio.io;

/**
 * Thrown by a {@link BufReader} when the input does not have the expected form: the message says
 * what was expected, at which offset (bytes from the start of the stream), and what was found.
 *
 * <p>The reader has consumed nothing of the offending input, so a caller may try another
 * alternative at the same place.
 *
 * <pre>{@code
 * try {
 *   reader.expectString("HTTP/1.1 ");
 * } catch (InputParseException e) {
 *   // e.getMessage(): expected "HTTP/1.1 " at offset 0, found "SSH-2.0-O"
 * }
 * }</pre>
 */
public class InputParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long offset;
  private final String expected;

  /**
   * Creates the exception: {@code expected} describes what the parser wanted, {@code found} what
   * the input held there.
   */
  public InputParseException(String expected, long offset, String found) {
    super("expected " + expected + " at offset " + offset + ", found " + found);
    this.offset = offset;
    this.expected = expected;
  }

  /** The offset, from the start of the stream, where the expectation failed. */
  public long offset() {
    return offset;
  }

  /** What the parser expected, as in the message. */
  public String expected() {
    return expected;
  }
}
