package dev.eio.rpc;

/** The contract the actor-served RPC tests use: a running total, plus methods that fail and block. */
public interface Tally {
  /** A negative amount. */
  final class Negative extends Exception {
    private static final long serialVersionUID = 1L;

    public Negative(int n) {
      super("negative amount " + n);
    }
  }

  /** Adds {@code n} (read, pause, write: calls that overlap lose updates) and returns the total. */
  int add(int n) throws Negative;

  int total();

  /** Throws an IllegalStateException with {@code message}. */
  String fail(String message);

  /** Blocks until released or interrupted, then cleans up slowly (200 ms) before it stops. */
  void hold() throws InterruptedException;

  /** Records that call {@code id} ran, sleeps {@code millis}, returns {@code id}. */
  long work(long id, int millis) throws InterruptedException;

  Object echo(Object value);

  /** Calls this tally's own actor through a client of it. */
  int callSelf();
}
