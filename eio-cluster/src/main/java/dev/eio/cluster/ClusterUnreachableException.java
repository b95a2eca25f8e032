package dev.eio.cluster;

import java.util.List;

/** A cluster could not be reached at start: the message names the addresses tried and the time. */
public final class ClusterUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> addresses;

  ClusterUnreachableException(String message, List<String> addresses, Throwable cause) {
    super(message, cause);
    this.addresses = List.copyOf(addresses);
  }

  /** The addresses that were tried, {@code host:port}. */
  public List<String> addresses() {
    return addresses;
  }
}
