package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/** A {@link Sink} writing a blocking JDK channel; the channel's owner closes it. */
public class ChannelSink implements Sink {
  private final WritableByteChannel channel;

  public ChannelSink(WritableByteChannel channel) {
    this.channel = ChannelSource.requireBlocking(channel, "channel");
  }

  @Override
  public void write(ByteBuffer src) {
    if (!src.hasRemaining()) {
      return;
    }
    Interrupts.check();
    try {
      while (src.hasRemaining()) {
        if (channel.write(src) == 0) {
          Thread.yield();
          Interrupts.check();
        }
      }
    } catch (IOException e) {
      throw IoErrors.unchecked(e);
    }
  }

  @Override
  public Optional<WritableByteChannel> writableChannel() {
    return Optional.of(channel);
  }

  @Override
  public String toString() {
    return "Sink[" + channel + "]";
  }
}
