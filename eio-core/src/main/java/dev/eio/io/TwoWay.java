package dev.eio.io;

/**
 * A flow that is both a {@link Source} and a {@link Sink}, such as a TCP connection or a child
 * process's standard output and input, whose directions can be ended one at a time.
 *
 * <p><b>Guarantees.</b> {@link #shutdown} with {@link ShutdownCommand#SEND} lets the peer read end
 * of input after every byte already written, while this side can still read; with {@link
 * ShutdownCommand#RECEIVE} this side's reads return {@code -1}. Shutting down a direction twice is
 * harmless. {@code shutdown} never closes the underlying resource: its owner closes it.
 *
 * <pre>{@code
 * TwoWay conn = Flow.of(socketChannel);
 * conn.write(request);
 * conn.shutdown(ShutdownCommand.SEND); // the server sees the end of the request
 * Flow.copy(conn, responseSink);
 * }</pre>
 */
public interface TwoWay extends Source, Sink {
  /**
   * Ends one or both directions.
   *
   * @throws java.io.UncheckedIOException when the underlying shutdown fails
   */
  void shutdown(ShutdownCommand command);
}
