package dev.eio.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Switch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FlowTest {
  @TempDir Path dir;

  private static String readAll(Source src) {
    BufferSink out = Flow.bufferSink();
    Flow.copy(src, out);
    return out.toString();
  }

  @Test
  void stringAndBytesSourcesEndWithMinusOne() {
    Source s = Flow.ofString("héllo");
    ByteBuffer buf = ByteBuffer.allocate(3);
    assertEquals(3, s.read(buf));
    assertEquals(0, s.read(buf), "a full buffer reads nothing");
    buf.clear();
    assertEquals(3, s.read(buf));
    buf.clear();
    assertEquals(-1, s.read(buf));
    byte[] b = {1, 2, 3};
    Source bs = Flow.ofBytes(b);
    b[0] = 9;
    BufferSink out = Flow.bufferSink();
    assertEquals(3, Flow.copy(bs, out));
    assertArrayEquals(new byte[] {1, 2, 3}, out.toByteArray(), "the source copied the array");
  }

  @Test
  void bufferSinkKeepsEveryWriteInOrder() {
    BufferSink out = Flow.bufferSink();
    for (int i = 0; i < 1000; i++) {
      out.write(("" + i % 10).getBytes(UTF_8));
    }
    assertEquals(1000, out.size());
    assertTrue(out.toString().startsWith("0123456789012"));
    out.clear();
    assertEquals("", out.toString());
  }

  @Test
  void copyThroughTheBufferedLoopCopiesEveryByte() {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    BufferSink out = Flow.bufferSink();
    assertEquals(data.length, Flow.copy(new ChunkedSource(data, 3, 70_000, false), out));
    assertArrayEquals(data, out.toByteArray());
  }

  /** Exposes a file channel for the zero-copy path but fails if read byte by byte. */
  private record TransferOnly(FileChannel ch) implements Source {
    @Override
    public int read(ByteBuffer dst) {
      throw new AssertionError("copy used read() instead of the channel transfer");
    }

    @Override
    public Optional<ReadableByteChannel> readableChannel() {
      return Optional.of(ch);
    }
  }

  @Test
  void fileToFileCopyUsesTheChannelTransferAndAdvancesPositions() throws IOException {
    byte[] data = new byte[1_000_000];
    new Random(1).nextBytes(data);
    Path from = Files.write(dir.resolve("from"), data);
    Path to = dir.resolve("to");
    try (FileChannel in = FileChannel.open(from);
        FileChannel out =
            FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      in.position(10);
      out.write(ByteBuffer.wrap(new byte[] {42}));
      assertEquals(data.length - 10, Flow.copy(new TransferOnly(in), Flow.sink(out)));
      assertEquals(data.length, in.position());
      assertEquals(data.length - 9, out.position());
      assertEquals(0, Flow.copy(Flow.source(in), Flow.sink(out)), "the source is at its end");
    }
    byte[] got = Files.readAllBytes(to);
    assertEquals(42, got[0]);
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, data.length),
        java.util.Arrays.copyOfRange(got, 1, got.length));
  }

  @Test
  void fileToSocketCopyUsesTheChannelTransfer() throws IOException {
    byte[] data = new byte[500_000];
    new Random(4).nextBytes(data);
    Path from = Files.write(dir.resolve("from"), data);
    try (ServerSocketChannel server = ServerSocketChannel.open();
        FileChannel in = FileChannel.open(from)) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Switch.run(
          sw -> {
            var received = sw.forkPromise(
                () -> {
                  try (SocketChannel peer = server.accept()) {
                    BufferSink got = Flow.bufferSink();
                    Flow.copy(Flow.of(peer), got);
                    return got.toByteArray();
                  }
                });
            try (SocketChannel ch = SocketChannel.open(server.getLocalAddress())) {
              TwoWay conn = Flow.of(ch);
              assertEquals(data.length, Flow.copy(new TransferOnly(in), conn));
              conn.shutdown(ShutdownCommand.SEND);
              assertArrayEquals(data, received.await());
            }
          });
    }
  }

  @Test
  void channelToFileCopyUsesTransferFrom() throws IOException {
    byte[] data = new byte[200_000];
    new Random(2).nextBytes(data);
    Pipe pipe = Pipe.open();
    Path to = dir.resolve("to");
    try (FileChannel out =
        FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      Switch.run(
          sw -> {
            sw.fork(
                () -> {
                  try (Pipe.SinkChannel w = pipe.sink()) {
                    Flow.sink(w).write(data);
                  }
                });
            try (Pipe.SourceChannel r = pipe.source()) {
              Source src =
                  new Source() {
                    @Override
                    public int read(ByteBuffer dst) {
                      throw new AssertionError("copy used read() instead of transferFrom");
                    }

                    @Override
                    public Optional<ReadableByteChannel> readableChannel() {
                      return Optional.of(r);
                    }
                  };
              assertEquals(data.length, Flow.copy(src, Flow.sink(out)));
            }
          });
    }
    assertArrayEquals(data, Files.readAllBytes(to));
  }

  @Test
  void streamAdaptersReadAndWriteEveryByteAndFlush() {
    byte[] data = new byte[50_000];
    new Random(3).nextBytes(data);
    boolean[] flushed = {false};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            bytes.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
          }

          @Override
          public void flush() {
            flushed[0] = true;
          }
        };
    assertEquals(data.length, Flow.copy(Flow.source(new ByteArrayInputStream(data)), Flow.sink(out)));
    assertArrayEquals(data, bytes.toByteArray());
    assertTrue(flushed[0]);
    ByteBuffer direct = ByteBuffer.allocateDirect(10);
    assertEquals(10, Flow.source(new ByteArrayInputStream(data)).read(direct));
    direct.flip();
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    Flow.sink(again).write(direct);
    assertArrayEquals(java.util.Arrays.copyOf(data, 10), again.toByteArray());
  }

  @Test
  void ioFailuresAreUncheckedIoExceptions() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("broken pipe");
          }
        };
    ByteBuffer buf = ByteBuffer.allocate(1);
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Flow.source(broken).read(buf));
    assertEquals("broken pipe", e.getCause().getMessage());
  }

  @Test
  void aReadTimeoutIsAnIoFailureNotACancellation() {
    InputStream timesOut =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new java.net.SocketTimeoutException("read timed out");
          }
        };
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> Flow.source(timesOut).read(ByteBuffer.allocate(1)));
    assertInstanceOf(java.net.SocketTimeoutException.class, e.getCause());
  }

  @Test
  void anIoErrorSeenWhileCancelledIsCancelled() {
    RuntimeException why = new RuntimeException("stop");
    java.util.concurrent.atomic.AtomicReference<Cancel.Context> current =
        new java.util.concurrent.atomic.AtomicReference<>();
    // The cancellation arrives while the read is under way and closes the stream under it.
    InputStream closedUnderUs =
        new InputStream() {
          @Override
          public int read() throws IOException {
            current.get().cancel(why);
            throw new IOException("Socket closed");
          }
        };
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Cancel.sub(
                    ctx -> {
                      current.set(ctx);
                      Flow.source(closedUnderUs).read(ByteBuffer.allocate(1));
                    }));
    assertSame(why, c.reason());
    assertEquals("Socket closed", c.getSuppressed()[0].getMessage());
  }

  @Test
  void aNonBlockingChannelIsRejectedWithAClearMessage() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel r = pipe.source(); Pipe.SinkChannel w = pipe.sink()) {
      r.configureBlocking(false);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Flow.source(r));
      assertTrue(e.getMessage().startsWith("channel must be in blocking mode"), e.getMessage());
    }
  }

  @Test
  void cancellingAReadBlockedInAChannelThrowsCancelled() throws Exception {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel r = pipe.source(); Pipe.SinkChannel w = pipe.sink()) {
      RuntimeException why = new RuntimeException("stop");
      java.util.concurrent.CompletableFuture<Thread> reader =
          new java.util.concurrent.CompletableFuture<>();
      Cancelled c =
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx ->
                          Switch.run(
                              sw -> {
                                sw.fork(
                                    () -> {
                                      reader.complete(Thread.currentThread());
                                      Flow.source(r).read(ByteBuffer.allocate(8));
                                    });
                                Thread t = reader.get();
                                // A virtual thread parked in the channel read is WAITING; no
                                // other wait comes between publishing the thread and the read.
                                await().until(() -> t.getState() == Thread.State.WAITING);
                                ctx.cancel(why);
                              })));
      assertSame(why, c.reason());
      assertFalse(r.isOpen(), "the JDK closes an interrupted channel");
    }
  }

  @Test
  void aCancelledFiberDoesNotStartChannelIo() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel r = pipe.source(); Pipe.SinkChannel w = pipe.sink()) {
      assertThrows(
          Cancelled.class,
          () ->
              Cancel.sub(
                  ctx -> {
                    ctx.cancel(new RuntimeException("early"));
                    Flow.source(r).read(ByteBuffer.allocate(8));
                  }));
      assertTrue(r.isOpen(), "the read never began, so the channel stays open");
    }
  }

  @Test
  void socketShutdownSendLetsThePeerReadEndOfInputWhileWeStillRead() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Switch.run(
          sw -> {
            sw.fork(
                () -> {
                  try (SocketChannel peer = server.accept()) {
                    TwoWay p = Flow.of(peer);
                    String got = readAll(p); // until our shutdown(SEND)
                    p.write(("echo:" + got).getBytes(UTF_8));
                    p.shutdown(ShutdownCommand.SEND);
                  }
                });
            try (SocketChannel ch = SocketChannel.open(server.getLocalAddress())) {
              TwoWay conn = Flow.of(ch);
              conn.write("ping".getBytes(UTF_8));
              conn.shutdown(ShutdownCommand.SEND);
              conn.shutdown(ShutdownCommand.SEND); // twice is harmless
              assertEquals("echo:ping", readAll(conn));
              assertThrows(UncheckedIOException.class, () -> conn.write(new byte[] {1}));
              conn.shutdown(ShutdownCommand.ALL);
            }
          });
    }
  }

  @Test
  void pipeFlowShutdownClosesTheStreamsAndReceiveEndsReads() throws IOException {
    PipedInputStream in = new PipedInputStream();
    PipedOutputStream feed = new PipedOutputStream(in);
    boolean[] closed = {false};
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            sent.write(b);
          }

          @Override
          public void close() {
            closed[0] = true;
          }
        };
    TwoWay flow = Flow.of(in, out);
    feed.write("hi".getBytes(UTF_8));
    ByteBuffer buf = ByteBuffer.allocate(8);
    assertEquals(2, flow.read(buf));
    flow.write("input".getBytes(UTF_8));
    flow.shutdown(ShutdownCommand.SEND);
    assertTrue(closed[0], "SEND closes the output stream (the process sees end of input)");
    assertEquals("input", sent.toString(UTF_8));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> flow.write(new byte[] {1}));
    assertEquals("write after shutdown(SEND)", e.getMessage());
    flow.shutdown(ShutdownCommand.RECEIVE);
    assertEquals(-1, flow.read(buf));
  }
}
