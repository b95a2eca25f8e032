package dev.eio.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;

/**
 * An I/O failure on a connection, naming the peer it happened with, so a server's error handler
 * can log which client failed.
 *
 * <p>It is an {@link UncheckedIOException}: code that catches I/O failures in general catches it
 * too; the JDK's exception is its {@link #getCause() cause}.
 *
 * <pre>{@code
 * onError = e -> {
 *   if (e instanceof PeerIOException p) log.warn("client {} failed: {}", p.peer(), p.getMessage());
 * };
 * }</pre>
 */
public final class PeerIOException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final transient SocketAddress peer;

  /** An I/O failure {@code cause} on the connection with {@code peer}. */
  public PeerIOException(SocketAddress peer, IOException cause) {
    super("peer " + peer + ": " + (cause.getMessage() == null ? cause : cause.getMessage()), cause);
    this.peer = peer;
  }

  /** The address of the other end of the connection. */
  public SocketAddress peer() {
    return peer;
  }
}
