package dev.eio.internal.flow;

import dev.eio.internal.IoErrors;
import dev.eio.io.ShutdownCommand;
import dev.eio.io.TwoWay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * A {@link TwoWay} over a blocking {@link SocketChannel}: shutdown maps to the socket's
 * half-close; the channel's owner closes it.
 */
public final class SocketFlow implements TwoWay {
  private final SocketChannel channel;
  private final ChannelSource in;
  private final ChannelSink out;

  public SocketFlow(SocketChannel channel) {
    this.channel = ChannelSource.requireBlocking(channel, "channel");
    this.in = new ChannelSource(channel);
    this.out = new ChannelSink(channel);
  }

  @Override
  public int read(ByteBuffer dst) {
    return in.read(dst);
  }

  @Override
  public void write(ByteBuffer src) {
    out.write(src);
  }

  @Override
  public void shutdown(ShutdownCommand command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    try {
      if (command != ShutdownCommand.RECEIVE) {
        channel.shutdownOutput();
      }
      if (command != ShutdownCommand.SEND) {
        channel.shutdownInput();
      }
    } catch (IOException e) {
      throw IoErrors.unchecked(e);
    }
  }

  @Override
  public Optional<ReadableByteChannel> readableChannel() {
    return Optional.of(channel);
  }

  @Override
  public Optional<WritableByteChannel> writableChannel() {
    return Optional.of(channel);
  }

  @Override
  public String toString() {
    return "TwoWay[" + channel + "]";
  }
}
