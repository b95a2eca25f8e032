package dev.eio.net;

/**
 * Serves one accepted connection, in a fiber of its own; the connection is closed when this
 * returns or throws.
 *
 * <pre>{@code
 * ConnectionHandler echo = conn -> Flow.copy(conn, conn);
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionHandler {
  /** Serves {@code connection}; it is closed afterwards whatever happens. */
  void handle(Connection connection) throws Exception;
}
