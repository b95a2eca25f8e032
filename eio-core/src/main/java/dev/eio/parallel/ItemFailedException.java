package dev.eio.parallel;

/**
 * Reports which item made a parallel operation fail: the failure of the function applied to one
 * item (its cause), with the item's index in the input and the item itself.
 *
 * <p>Thrown by {@link Parallel}'s operations in place of the function's exception; the first
 * failure wins (it cancels the other workers and is the one rethrown), failures of other items
 * that were already running are attached as suppressed exceptions. {@link dev.eio.Cancelled} and
 * {@link Error}s are never wrapped.
 *
 * <pre>{@code
 * try {
 *   Parallel.map(domains, files, Parser::parse);
 * } catch (ItemFailedException e) {
 *   log.warn("cannot parse file #" + e.index() + ": " + e.item(), e.getCause());
 * }
 * }</pre>
 */
public final class ItemFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long index;
  private final transient Object item;

  /**
   * An exception saying that item {@code index} ({@code item}) failed with {@code cause}.
   *
   * @throws NullPointerException when {@code cause} is {@code null}
   */
  public ItemFailedException(long index, Object item, Throwable cause) {
    super(message(index, item, cause), java.util.Objects.requireNonNull(cause, "cause"));
    this.index = index;
    this.item = item;
  }

  private static String message(long index, Object item, Throwable cause) {
    String s = String.valueOf(item);
    if (s.length() > 80) {
      s = s.substring(0, 77) + "...";
    }
    return "item " + index + " (" + s + ") failed: " + cause;
  }

  /** The item's position in the input (for {@code compute}, in the order tasks were created). */
  public long index() {
    return index;
  }

  /** The item the function failed on. */
  public Object item() {
    return item;
  }
}
