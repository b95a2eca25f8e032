package dev.eio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.Flow;
import dev.eio.io.ShutdownCommand;
import dev.eio.io.Sink;
import dev.eio.net.Connection;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.net.ServerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A TCP echo server with a connection limit and a graceful stop, driven by a few clients over
 * loopback: {@code EchoServer [clients] [messages]}; or {@code EchoServer --serve [port]} (default
 * {@value #PORT}), which echoes whoever connects until Ctrl-C.
 *
 * <p>Each client sends its messages, half-closes, and checks it got back exactly what it sent;
 * then the server is stopped: it stops accepting, lets live connections finish, and returns.
 */
public final class EchoServer {
  /** The port of {@code --serve} without a port. */
  static final int PORT = 7007;

  private EchoServer() {}

  /** Echoes every connection of {@code listener} until cancelled (up to 100 at once). */
  static void serve(Listener listener) {
    Net.runServer(
        listener,
        conn -> Flow.copy(conn, conn),
        // A person at nc may think for longer than the default read limit (60 s).
        ServerOptions.defaults().withMaxConnections(100).withReadTimeout(Duration.ofMinutes(10)));
  }

  public static void main(String[] args) {
    int code =
        ServeUntilStopped.main(
            args,
            "echo server",
            PORT,
            "usage: EchoServer [clients] [messages]   (scripted clients; defaults 4 and 3)\n"
                + "       EchoServer --serve [port]         (serves until Ctrl-C; default port "
                + PORT
                + ")",
            EchoServer::serve,
            a -> {
              int clients = a.length > 0 ? count("clients", a[0]) : 4;
              int messages = a.length > 1 ? count("messages", a[1]) : 3;
              Eio.run(env -> run(env, clients, messages, env.stdout()));
            });
    if (code != 0) {
      System.exit(code);
    }
  }

  private static int count(String what, String arg) {
    try {
      int n = Integer.parseInt(arg);
      if (n >= 1 && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the argument's name
    }
    throw new IllegalArgumentException(what + " must be a number in 1..1000, got '" + arg + "'");
  }

  /** Runs the server and {@code clients} clients; writes a report line per client to {@code out}. */
  static void run(Env env, int clients, int messages, Sink out) {
    Net net = Net.of(env);
    AtomicInteger served = new AtomicInteger();
    Switch.run(
        sw -> {
          Listener listener = net.listen(sw, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          Promise<Void> stop = Promise.create();
          Promise<Void> server =
              sw.forkPromise(
                  () -> {
                    Net.runServer(
                        listener,
                        conn -> {
                          served.incrementAndGet();
                          Flow.copy(conn, conn); // echo until the client half-closes
                        },
                        ServerOptions.defaults().withMaxConnections(2).withStop(stop));
                    return null;
                  });
          List<String> reports =
              Fiber.map(
                  IntStream.range(0, clients).boxed().toList(),
                  clients,
                  i ->
                      Switch.call(
                          csw -> {
                            Connection c = net.connect(csw, listener.localAddress());
                            StringBuilder sent = new StringBuilder();
                            for (int m = 0; m < messages; m++) {
                              String line = "client " + i + " message " + m + "\n";
                              sent.append(line);
                              c.write(line.getBytes(UTF_8));
                            }
                            c.shutdown(ShutdownCommand.SEND);
                            String echoed = new String(BufReader.of(c, 1 << 20).takeAll(), UTF_8);
                            return "client " + i + ": " + messages + " messages, echo "
                                + (echoed.contentEquals(sent) ? "exact" : "WRONG");
                          }));
          stop.resolve(null);
          server.await();
          for (String r : reports) {
            out.write((r + "\n").getBytes(UTF_8));
          }
          out.write(("server stopped after " + served.get() + " connections\n").getBytes(UTF_8));
        });
  }
}
