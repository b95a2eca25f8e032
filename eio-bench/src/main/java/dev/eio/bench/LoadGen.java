package dev.eio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The B5 load generator: one thread, one selector, {@code connections} keep-alive connections,
 * each keeping {@code depth} requests in flight (1: one request at a time; more: pipelined).
 * Every reply byte is compared with the expected reply; latency is measured per request from its
 * send to its reply's last byte.
 */
final class LoadGen {
  record Result(long requests, double seconds, double serverCpuSeconds, long p50Micros, long p99Micros) {
    double perSecond() {
      return requests / seconds;
    }

    double perCpuSecond() {
      return serverCpuSeconds <= 0 ? Double.NaN : requests / serverCpuSeconds;
    }
  }

  private static final class Conn {
    final SocketChannel ch;
    final long[] sent;
    int head;
    int inFlight;
    int replyPos;
    ByteBuffer pending;

    Conn(SocketChannel ch, int depth) {
      this.ch = ch;
      this.sent = new long[depth];
    }
  }

  private final byte[] request;
  private final byte[] reply;
  private final int depth;
  private final byte[] burst;
  private long[] latencies = new long[1 << 20];
  private int nLatencies;
  private long completed;
  private boolean measuring;
  private boolean sending = true;

  LoadGen(byte[] request, byte[] reply, int depth) {
    this.request = request;
    this.reply = reply;
    this.depth = depth;
    this.burst = new byte[request.length * depth];
    for (int i = 0; i < depth; i++) {
      System.arraycopy(request, 0, burst, i * request.length, request.length);
    }
  }

  /**
   * Runs the load: {@code warmupNanos} unmeasured, then {@code measureNanos} measured; {@code
   * serverCpuNanos} reads the server's CPU time at the window's edges.
   */
  Result run(InetSocketAddress server, int connections, long warmupNanos, long measureNanos, LongSupplier serverCpuNanos)
      throws IOException {
    Conn[] conns = new Conn[connections];
    try (Selector sel = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel ch = SocketChannel.open(server);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        conns[i] = new Conn(ch, depth);
        ch.register(sel, SelectionKey.OP_READ, conns[i]);
      }
      for (Conn c : conns) {
        send(c, depth, System.nanoTime());
      }
      ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
      byte[] arr = buf.array();
      long start = System.nanoTime();
      long measureStart = start + warmupNanos;
      long end = measureStart + measureNanos;
      long cpu0 = 0;
      long now = start;
      while (now < end) {
        sel.select(10);
        now = System.nanoTime();
        if (!measuring && now >= measureStart) {
          measuring = true;
          cpu0 = serverCpuNanos.getAsLong();
          measureStart = now;
        }
        for (SelectionKey k : sel.selectedKeys()) {
          Conn c = (Conn) k.attachment();
          if (k.isWritable()) {
            c.ch.write(c.pending);
            if (!c.pending.hasRemaining()) {
              c.pending = null;
              k.interestOps(SelectionKey.OP_READ);
            }
          }
          if (k.isReadable()) {
            int n = c.ch.read(buf);
            if (n == -1) {
              throw new IOException("the server closed a connection");
            }
            int done = consume(c, arr, n, now);
            buf.clear();
            if (done > 0 && sending) {
              send(c, done, now);
              if (c.pending != null) {
                k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
              }
            }
          }
        }
        sel.selectedKeys().clear();
      }
      long cpu1 = serverCpuNanos.getAsLong();
      double seconds = (now - measureStart) / 1e9;
      long[] lat = Arrays.copyOf(latencies, nLatencies);
      Arrays.sort(lat);
      long p50 = lat.length == 0 ? -1 : lat[lat.length / 2] / 1000;
      long p99 = lat.length == 0 ? -1 : lat[(int) Math.min(lat.length - 1, (long) (lat.length * 0.99))] / 1000;
      return new Result(completed, seconds, (cpu1 - cpu0) / 1e9, p50, p99);
    } finally {
      for (Conn c : conns) {
        if (c != null) {
          c.ch.close();
        }
      }
    }
  }

  /** Checks {@code n} reply bytes of {@code c}; returns how many replies they completed. */
  private int consume(Conn c, byte[] arr, int n, long now) throws IOException {
    int off = 0;
    int done = 0;
    while (off < n) {
      int k = Math.min(n - off, reply.length - c.replyPos);
      if (!Arrays.equals(arr, off, off + k, reply, c.replyPos, c.replyPos + k)) {
        throw new IOException("wrong reply bytes at reply offset " + c.replyPos + ": "
            + new String(arr, off, k, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      off += k;
      c.replyPos += k;
      if (c.replyPos == reply.length) {
        if (c.inFlight == 0) {
          throw new IOException("a reply nobody asked for");
        }
        c.replyPos = 0;
        long sentAt = c.sent[c.head];
        c.head = (c.head + 1) % c.sent.length;
        c.inFlight--;
        done++;
        if (measuring) {
          completed++;
          if (nLatencies == latencies.length && latencies.length < (1 << 24)) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
          }
          if (nLatencies < latencies.length) {
            latencies[nLatencies++] = now - sentAt;
          }
        }
      }
    }
    return done;
  }

  private void send(Conn c, int count, long now) throws IOException {
    for (int i = 0; i < count; i++) {
      c.sent[(c.head + c.inFlight) % c.sent.length] = now;
      c.inFlight++;
    }
    ByteBuffer out = ByteBuffer.wrap(burst, 0, count * request.length);
    if (c.pending != null) {
      ByteBuffer merged = ByteBuffer.allocate(c.pending.remaining() + out.remaining());
      merged.put(c.pending).put(out).flip();
      out = merged;
    }
    c.ch.write(out);
    c.pending = out.hasRemaining() ? out : null;
  }
}
