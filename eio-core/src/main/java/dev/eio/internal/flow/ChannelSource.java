package dev.eio.internal.flow;

import dev.eio.internal.Interrupts;
import dev.eio.internal.IoErrors;
import dev.eio.io.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.util.Optional;

/** A {@link Source} reading a blocking JDK channel; the channel's owner closes it. */
public class ChannelSource implements Source {
  private final ReadableByteChannel channel;

  public ChannelSource(ReadableByteChannel channel) {
    this.channel = requireBlocking(channel, "channel");
  }

  static <C> C requireBlocking(C channel, String name) {
    if (channel == null) {
      throw new NullPointerException(name);
    }
    // A non-blocking channel may return 0 forever; our reads and writes are blocking calls.
    if (channel instanceof SelectableChannel sc && !sc.isBlocking()) {
      throw new IllegalArgumentException(name + " must be in blocking mode, got a non-blocking " + channel);
    }
    return channel;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (!dst.hasRemaining()) {
      return 0;
    }
    // Checking first keeps a cancelled fiber from starting the read: the JDK would close the
    // channel at once.
    Interrupts.check();
    try {
      int n;
      while ((n = channel.read(dst)) == 0) {
        // A blocking channel should not return 0; give way instead of spinning if one does.
        Thread.yield();
        Interrupts.check();
      }
      return n;
    } catch (IOException e) {
      throw IoErrors.unchecked(e);
    }
  }

  @Override
  public Optional<ReadableByteChannel> readableChannel() {
    return Optional.of(channel);
  }

  @Override
  public String toString() {
    return "Source[" + channel + "]";
  }
}
