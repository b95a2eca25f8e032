package dev.eio.internal.channel;

import dev.eio.ChannelClosedException;

/**
 * A channel's closed state: {@code cause} is null after a plain close, the failure after a fail.
 * As a node's value it tells the woken fiber that the channel closed.
 */
public record Closed(Throwable cause) {
  /** The exception a send throws on this closed channel (its item was not accepted). */
  public ChannelClosedException sendFailure() {
    return new ChannelClosedException(
        cause == null ? "cannot send: channel is closed" : "cannot send: channel failed", cause);
  }

  /** The exception a receive throws on this channel once it is drained, or failed. */
  public ChannelClosedException receiveFailure() {
    return new ChannelClosedException(
        cause == null ? "channel is closed and drained" : "channel failed: " + cause, cause);
  }
}
