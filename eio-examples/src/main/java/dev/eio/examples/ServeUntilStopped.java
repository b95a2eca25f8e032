package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code --serve [port]} mode of the server examples: the server listens on 127.0.0.1 and
 * serves whoever connects ({@code nc 127.0.0.1 <port>}) until it is stopped, by Ctrl-C (or any
 * signal that starts the JVM's shutdown) or by a promise.
 *
 * <p><b>Guarantees.</b> Everything the server uses lives in one switch: stopping it cancels the
 * accept loop and every live connection's fiber, so each connection is closed (its client reads
 * end of input) and {@link #run} returns only once all have ended, printing {@code <name>
 * stopped}. On Ctrl-C the JVM waits for that (up to {@value #STOP_SECONDS} s) before it exits.
 *
 * <pre>{@code
 * ./eio-run EchoServer --serve 7007      # then: nc 127.0.0.1 7007
 * }</pre>
 */
final class ServeUntilStopped {
  /** How long Ctrl-C waits for the server's switch to end before the JVM exits anyway. */
  static final int STOP_SECONDS = 10;

  private ServeUntilStopped() {}

  /** A server: serves {@code listener}'s connections until it is cancelled. */
  interface Server {
    void serve(Listener listener) throws Exception;
  }

  /**
   * The port of {@code --serve [port]} when {@code args} ask for the mode ({@code --serve} must
   * come first), {@code defaultPort} when the port is left out; empty for the scripted mode.
   *
   * @throws IllegalArgumentException for a port that is not a number in 0..65535, or more
   *     arguments after it
   */
  static OptionalInt port(String[] args, int defaultPort) {
    if (args.length == 0 || !args[0].equals("--serve")) {
      return OptionalInt.empty();
    }
    if (args.length > 2) {
      throw new IllegalArgumentException(
          "--serve takes at most a port, got '" + String.join(" ", args) + "'");
    }
    if (args.length == 1) {
      return OptionalInt.of(defaultPort);
    }
    int port;
    try {
      port = Integer.parseInt(args[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--serve needs a port number, got '" + args[1] + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--serve port must be between 0 and 65535, got " + port);
    }
    return OptionalInt.of(port);
  }

  /**
   * The body of a server example's {@code main}: {@code --serve [port]} serves until Ctrl-C,
   * anything else runs {@code scripted} with the arguments. Returns the exit code: 0; 2 after
   * bad arguments (one line {@code error: ...} and {@code usage} on stderr); 1 when the server
   * cannot listen (one line {@code error: ...}).
   */
  static int main(
      String[] args, String name, int defaultPort, String usage, Server server, Consumer<String[]> scripted) {
    try {
      OptionalInt port = port(args, defaultPort);
      if (port.isEmpty()) {
        scripted.accept(args);
        return 0;
      }
      return untilCtrlC(name, port.getAsInt(), server);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(usage);
      return 2;
    }
  }

  /**
   * Serves on {@code port} until Ctrl-C, then returns 0 once every connection is closed; returns
   * 1 after printing one line {@code error: ...} when the port cannot be listened on.
   */
  static int untilCtrlC(String name, int port, Server server) {
    Promise<Void> stop = Promise.create();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.tryResolve(null);
              try {
                stopped.await(STOP_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name + "-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Eio.run(env -> run(env, name, port, System.out, stop, address -> {}, server));
      return 0;
    } catch (UncheckedIOException e) {
      // The port is taken, say: a one-line reason is all the user needs.
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0: any free port), prints where, tells {@code
   * onListening} the address, and serves until {@code stop} is resolved; then prints {@code
   * <name> stopped} and returns. A server's failure ends the run with that failure.
   */
  static void run(
      Env env,
      String name,
      int port,
      PrintStream out,
      Promise<Void> stop,
      Consumer<InetSocketAddress> onListening,
      Server server) {
    Net net = Net.of(env);
    Switch.run(
        name,
        sw -> {
          Listener listener = net.listen(sw, FibServer.loopback(port));
          InetSocketAddress address = (InetSocketAddress) listener.localAddress();
          out.printf(
              "%s listening on 127.0.0.1:%d (try: nc 127.0.0.1 %d); Ctrl-C stops it%n",
              name, address.getPort(), address.getPort());
          out.flush();
          onListening.accept(address);
          // The first to end wins: stop resolved cancels the server, and with it every
          // connection it serves.
          Fiber.first(
              () -> {
                server.serve(listener);
                return null;
              },
              () -> stop.await());
        });
    out.println(name + " stopped");
    out.flush();
  }
}
