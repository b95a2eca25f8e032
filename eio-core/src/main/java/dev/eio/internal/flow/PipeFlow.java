package dev.eio.internal.flow;

import dev.eio.internal.IoErrors;
import dev.eio.io.ShutdownCommand;
import dev.eio.io.TwoWay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * A {@link TwoWay} over a pair of streams, such as a child process's output and input: shutting
 * down a direction closes that stream (a pipe has no half-close), which is how the process sees
 * end of input.
 */
public final class PipeFlow implements TwoWay {
  private final InputStream inStream;
  private final OutputStream outStream;
  private final StreamSource in;
  private final StreamSink out;
  private volatile boolean sendShut;
  private volatile boolean receiveShut;

  public PipeFlow(InputStream in, OutputStream out) {
    this.in = new StreamSource(in);
    this.out = new StreamSink(out);
    this.inStream = in;
    this.outStream = out;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (receiveShut) {
      return dst.hasRemaining() ? -1 : 0;
    }
    try {
      return in.read(dst);
    } catch (UncheckedIOException e) {
      // A read racing with shutdown(RECEIVE) sees the closed stream: that is end of input.
      if (receiveShut) {
        return -1;
      }
      throw e;
    }
  }

  @Override
  public void write(ByteBuffer src) {
    if (sendShut) {
      throw new UncheckedIOException(
          "write after shutdown(SEND)", new ClosedChannelException());
    }
    out.write(src);
  }

  @Override
  public void shutdown(ShutdownCommand command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    IOException failure = null;
    if (command != ShutdownCommand.RECEIVE && !sendShut) {
      sendShut = true;
      try {
        outStream.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (command != ShutdownCommand.SEND && !receiveShut) {
      receiveShut = true;
      try {
        inStream.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw IoErrors.unchecked(failure);
    }
  }

  @Override
  public String toString() {
    return "TwoWay[" + inStream + ", " + outStream + "]";
  }
}
