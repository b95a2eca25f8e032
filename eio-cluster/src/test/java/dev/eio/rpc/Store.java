package dev.eio.rpc;

/** The contract the RPC tests serve: a key-value store, plus methods that fail, block and echo. */
public interface Store {
  /** A key that has no value. */
  final class NotFound extends Exception {
    private static final long serialVersionUID = 1L;

    public NotFound(String key) {
      super("no value for " + key);
    }
  }

  String get(String key) throws NotFound;

  void put(String key, String value);

  int size();

  /** Throws an IllegalStateException with {@code message}. */
  String fail(String message);

  /**
   * Writes a file at {@code marker} (unless empty), then blocks until interrupted, then cleans up
   * slowly (300 ms) before it stops.
   */
  String block(String marker);

  /** How many {@link #block} calls have stopped (interrupted and cleaned up). */
  int stops();

  /**
   * Sleeps {@code millis} and returns them; interrupted, cleans up for {@code millis} before it
   * stops.
   */
  int work(int millis);

  Object echo(Object value);

  int length(byte[] data);
}
