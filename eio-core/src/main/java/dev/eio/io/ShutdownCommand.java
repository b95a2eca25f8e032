package dev.eio.io;

/** Which direction of a {@link TwoWay} flow {@link TwoWay#shutdown} ends. */
public enum ShutdownCommand {
  /** No more bytes will be sent: the peer reads end of input once it has read what was sent. */
  SEND,
  /** No more bytes will be received: reads return end of input from now on. */
  RECEIVE,
  /** Both {@link #SEND} and {@link #RECEIVE}. */
  ALL
}
