package dev.eio.bench;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.net.Connection;
import dev.eio.net.ConnectionHandler;
import dev.eio.net.ListenOptions;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.net.ServerOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The B5 servers, one kind per process: {@code NetBenchServers
 * <eio|eio-eager|eio-noyield|netty-epoll|netty-nio|threads>} starts an echo server and a keep-alive request/response server on loopback, prints {@code
 * READY <echoPort> <httpPort>}, and exits when its standard input closes (its parent ended).
 * Every server does the same work: echo returns each byte read; the request/response server
 * answers each request (ended by an empty line) with one fixed response, batching the responses
 * to the requests of one read into one write, and all set TCP_NODELAY.
 *
 * <p>The eio handlers hold no buffer while a connection is idle, as Netty's pooled reads do not:
 * they wait with {@link Connection#awaitInput} and take a direct buffer from a shared pool only
 * for the bytes at hand (ADR 35). {@code eio-eager} is the same server with a direct buffer per
 * connection, allocated before the first read, as all eio kinds had before.
 */
public final class NetBenchServers {
  private NetBenchServers() {}

  static final byte[] RESPONSE =
      ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!")
          .getBytes(StandardCharsets.US_ASCII);
  static final byte[] REQUEST =
      "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  /** Counts requests, each ended by {@code \r\n\r\n}, across reads. */
  static final class RequestScanner {
    private int state; // how many bytes of \r\n\r\n have matched

    /** Scans {@code len} bytes and returns how many requests they completed. */
    int scan(byte[] b, int off, int len) {
      int done = 0;
      int s = state;
      for (int i = off, end = off + len; i < end; i++) {
        byte c = b[i];
        if (c == (s == 0 || s == 2 ? '\r' : '\n')) {
          if (++s == 4) {
            done++;
            s = 0;
          }
        } else {
          s = c == '\r' ? 1 : 0;
        }
      }
      state = s;
      return done;
    }

    /** Scans the first {@code len} bytes of {@code buf} (absolute reads). */
    int scan(ByteBuffer buf, int len) {
      int done = 0;
      int s = state;
      for (int i = 0; i < len; i++) {
        byte c = buf.get(i);
        if (c == (s == 0 || s == 2 ? '\r' : '\n')) {
          if (++s == 4) {
            done++;
            s = 0;
          }
        } else {
          s = c == '\r' ? 1 : 0;
        }
      }
      state = s;
      return done;
    }

    int scan(ByteBuf buf) {
      int done = 0;
      int s = state;
      for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
        byte c = buf.getByte(i);
        if (c == (s == 0 || s == 2 ? '\r' : '\n')) {
          if (++s == 4) {
            done++;
            s = 0;
          }
        } else {
          s = c == '\r' ? 1 : 0;
        }
      }
      state = s;
      return done;
    }
  }

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    InetAddress lo = InetAddress.getLoopbackAddress();
    Runnable waitForParent =
        () -> {
          try {
            InputStream in = System.in;
            while (in.read() != -1) {}
          } catch (Exception ignored) {
            // the parent is gone either way
          }
        };
    switch (kind) {
      case "eio", "eio-noyield" -> eio(lo, waitForParent, true);
      case "eio-eager" -> eio(lo, waitForParent, false);
      case "netty-epoll", "netty-nio" -> netty(lo, kind.equals("netty-epoll"), waitForParent);
      case "threads" -> threads(lo, waitForParent);
      default -> throw new IllegalArgumentException("server kind must be eio, eio-noyield, netty-epoll, netty-nio or threads, got " + kind);
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- eio

  private static void eio(InetAddress lo, Runnable waitForParent, boolean lean) {
    ConnectionHandler echoHandler = lean ? NetBenchServers::eioEcho : NetBenchServers::eioEchoEager;
    ConnectionHandler httpHandler = lean ? NetBenchServers::eioHttp : NetBenchServers::eioHttpEager;
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Net net = Net.of(env);
                  ListenOptions opts = ListenOptions.defaults().withBacklog(16384);
                  Listener echo = net.listen(sw, new InetSocketAddress(lo, 0), opts);
                  Listener http = net.listen(sw, new InetSocketAddress(lo, 0), opts);
                  // No read timeout, like the Netty servers: the hold test keeps connections idle
                  // for minutes on a busy machine, past the default 60 s.
                  ServerOptions options =
                      ServerOptions.defaults().withOnError(e -> {}).withReadTimeout(Duration.ZERO);
                  sw.forkDaemon(() -> Net.runServer(echo, echoHandler, options));
                  sw.forkDaemon(() -> Net.runServer(http, httpHandler, options));
                  ready(echo.localAddress(), http.localAddress());
                  Thread t = Thread.ofPlatform().start(waitForParent);
                  t.join();
                }));
  }

  // Direct buffers, as Netty uses: a heap buffer costs a copy through the JDK's temporary
  // direct buffer on every read and write. Pooled: a connection holds one only while it has
  // bytes at hand (Netty reads into pooled buffers on readiness the same way).
  private static final int BUFFER = 16 * 1024;
  private static final ArrayBlockingQueue<ByteBuffer> BUFFERS = new ArrayBlockingQueue<>(1024);

  private static ByteBuffer takeBuffer() {
    ByteBuffer b = BUFFERS.poll();
    return b != null ? b : ByteBuffer.allocateDirect(BUFFER);
  }

  private static void giveBuffer(ByteBuffer b) {
    BUFFERS.offer(b.clear()); // when the pool is full, the garbage collector frees it
  }

  private static void eioEcho(Connection c) {
    c.option(StandardSocketOptions.TCP_NODELAY, true);
    while (c.awaitInput()) {
      ByteBuffer buf = takeBuffer();
      try {
        read(c, buf);
        buf.flip();
        c.write(buf);
      } finally {
        giveBuffer(buf);
      }
    }
  }

  private static void eioEchoEager(Connection c) {
    c.option(StandardSocketOptions.TCP_NODELAY, true);
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    while (read(c, buf) != -1) {
      buf.flip();
      c.write(buf);
      buf.clear();
    }
  }

  private static final int BATCH = 64;
  // BATCH responses laid out once; a batch of k responses is a window onto them (read-only
  // duplicates, so that writers on several connections do not share a position).
  private static final ByteBuffer RESPONSES = responses();

  private static ByteBuffer responses() {
    ByteBuffer r = ByteBuffer.allocateDirect(RESPONSE.length * BATCH);
    for (int i = 0; i < BATCH; i++) {
      r.put(RESPONSE);
    }
    return r.clear().asReadOnlyBuffer();
  }

  private static int read(Connection c, ByteBuffer b) {
    return c.read(b); // yields first unless -Ddev.eio.net.yieldBeforeRead=false (ADR 11)
  }

  private static void eioHttp(Connection c) {
    c.option(StandardSocketOptions.TCP_NODELAY, true);
    RequestScanner scanner = new RequestScanner();
    while (c.awaitInput()) {
      ByteBuffer in = takeBuffer();
      int requests;
      try {
        requests = scanner.scan(in, read(c, in));
      } finally {
        giveBuffer(in);
      }
      respond(c, RESPONSES.duplicate(), requests);
    }
  }

  private static void eioHttpEager(Connection c) {
    c.option(StandardSocketOptions.TCP_NODELAY, true);
    ByteBuffer in = ByteBuffer.allocateDirect(BUFFER);
    ByteBuffer responses = RESPONSES.duplicate();
    RequestScanner scanner = new RequestScanner();
    int n;
    while ((n = read(c, in)) != -1) {
      int requests = scanner.scan(in, n);
      in.clear();
      respond(c, responses, requests);
    }
  }

  private static void respond(Connection c, ByteBuffer responses, int requests) {
    while (requests > 0) {
      int k = Math.min(requests, BATCH);
      responses.clear().limit(k * RESPONSE.length);
      c.write(responses);
      requests -= k;
    }
  }

  // ---------------------------------------------------------------- netty

  private static void netty(InetAddress lo, boolean epoll, Runnable waitForParent) throws Exception {
    EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    EventLoopGroup workers = epoll ? new EpollEventLoopGroup() : new NioEventLoopGroup();
    Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ByteBuf response = Unpooled.unreleasableBuffer(Unpooled.directBuffer(RESPONSE.length).writeBytes(RESPONSE));
    try {
      var echo = bind(boss, workers, type, lo, new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ctx.write(msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
              ctx.flush();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              ctx.close(); // a client reset: the others handle it the same way
            }
          });
        }
      });
      var http = bind(boss, workers, type, lo, new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          RequestScanner scanner = new RequestScanner();
          ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ByteBuf in = (ByteBuf) msg;
              try {
                int requests = scanner.scan(in);
                for (int i = 0; i < requests; i++) {
                  ctx.write(response.retainedDuplicate());
                }
              } finally {
                in.release();
              }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
              ctx.flush();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              ctx.close(); // a client reset: the others handle it the same way
            }
          });
        }
      });
      ready(echo, http);
      waitForParent.run();
    } finally {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
    }
  }

  private static InetSocketAddress bind(
      EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> type, InetAddress lo,
      ChannelInitializer<SocketChannel> init) throws InterruptedException {
    return (InetSocketAddress)
        new ServerBootstrap()
            .group(boss, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 16384)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(init)
            .bind(new InetSocketAddress(lo, 0))
            .sync()
            .channel()
            .localAddress();
  }

  // ---------------------------------------------------------------- platform thread per connection

  private static void threads(InetAddress lo, Runnable waitForParent) throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 16384, lo);
        ServerSocket http = new ServerSocket(0, 16384, lo)) {
      acceptLoop(echo, NetBenchServers::threadEcho);
      acceptLoop(http, NetBenchServers::threadHttp);
      ready(echo.getLocalSocketAddress(), http.getLocalSocketAddress());
      waitForParent.run();
    }
  }

  interface SocketHandler {
    void handle(InputStream in, OutputStream out) throws Exception;
  }

  private static void acceptLoop(ServerSocket server, SocketHandler handler) {
    Thread.ofPlatform().daemon().start(() -> {
      while (true) {
        Socket s;
        try {
          s = server.accept();
        } catch (Exception e) {
          return;
        }
        Thread.ofPlatform().daemon().stackSize(256 * 1024).start(() -> {
          try (s) {
            s.setTcpNoDelay(true);
            handler.handle(s.getInputStream(), s.getOutputStream());
          } catch (Exception ignored) {
            // the client went away
          }
        });
      }
    });
  }

  private static void threadEcho(InputStream in, OutputStream out) throws Exception {
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) != -1) {
      out.write(buf, 0, n);
    }
  }

  private static void threadHttp(InputStream in, OutputStream out) throws Exception {
    byte[] buf = new byte[16 * 1024];
    byte[] resp = new byte[RESPONSE.length * 64];
    RequestScanner scanner = new RequestScanner();
    int n;
    while ((n = in.read(buf)) != -1) {
      int requests = scanner.scan(buf, 0, n);
      while (requests > 0) {
        int k = Math.min(requests, 64);
        for (int i = 0; i < k; i++) {
          System.arraycopy(RESPONSE, 0, resp, i * RESPONSE.length, RESPONSE.length);
        }
        out.write(resp, 0, k * RESPONSE.length);
        requests -= k;
      }
    }
  }

  private static void ready(java.net.SocketAddress echo, java.net.SocketAddress http) {
    System.out.println(
        "READY " + ((InetSocketAddress) echo).getPort() + " " + ((InetSocketAddress) http).getPort());
    System.out.flush();
  }
}
