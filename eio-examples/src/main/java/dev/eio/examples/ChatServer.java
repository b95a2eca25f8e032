package dev.eio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.BufWriter;
import dev.eio.io.Sink;
import dev.eio.net.Connection;
import dev.eio.net.ConnectionHandler;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.net.ServerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A line-based chat server: every line a member sends is broadcast to every other member; a
 * member leaves cleanly with {@code /quit}. {@code ChatServer} runs a scripted conversation
 * between three clients over loopback and prints what each one received; {@code ChatServer
 * --serve [port]} (default {@value #PORT}) serves people at {@code nc 127.0.0.1 <port>} until
 * Ctrl-C.
 *
 * <p>Protocol: the first line is the member's name (answered with {@code welcome <name>}, and
 * {@code * <name> joined} to the others); then each line is a message ({@code <name>: <text>} to
 * the others), and {@code /quit} is answered with {@code bye <name>}, announced as {@code * <name>
 * left}, and the server closes the connection. Each member's output is a {@link BufWriter} with a
 * flusher fiber, so several broadcasting fibers can write to it at once, line by line.
 */
public final class ChatServer {
  /** The port of {@code --serve} without a port. */
  static final int PORT = 7008;

  /** Members may stay quiet for longer than the default read limit (60 s). */
  private static final ServerOptions OPTIONS =
      ServerOptions.defaults().withReadTimeout(Duration.ofMinutes(10));

  private ChatServer() {}

  /** The members currently connected, by name. */
  static final class Room {
    private final Map<String, BufWriter> members = new LinkedHashMap<>();

    synchronized void join(String name, BufWriter out) {
      members.put(name, out);
    }

    synchronized void leave(String name) {
      members.remove(name);
    }

    /** Sends {@code line} to every member but {@code from}. */
    void broadcast(String from, String line) {
      List<BufWriter> to;
      synchronized (this) {
        to = members.entrySet().stream().filter(e -> !e.getKey().equals(from)).map(Map.Entry::getValue).toList();
      }
      for (BufWriter w : to) {
        w.writeString(line + "\n");
      }
    }
  }

  /** The handler of one member's connection. */
  static ConnectionHandler member(Room room) {
    return conn ->
        Switch.run(
            sw -> {
              BufReader in = BufReader.of(conn, 4096);
              BufWriter out = BufWriter.of(sw, conn);
              String name = in.line();
              room.join(name, out);
              try {
                // The others are told before the newcomer is welcomed: a member who joins after
                // the welcome was read must not be told that this one joined.
                room.broadcast(name, "* " + name + " joined");
                out.writeString("welcome " + name + "\n");
                while (!in.atEndOfInput()) {
                  String line = in.line();
                  if (line.equals("/quit")) {
                    out.writeString("bye " + name + "\n");
                    break;
                  }
                  room.broadcast(name, name + ": " + line);
                }
              } finally {
                room.leave(name);
                room.broadcast(name, "* " + name + " left");
                out.close(); // flushes what is buffered before the connection closes
              }
            });
  }

  public static void main(String[] args) {
    int code =
        ServeUntilStopped.main(
            args,
            "chat server",
            PORT,
            "usage: ChatServer                  (a scripted conversation)\n"
                + "       ChatServer --serve [port]   (serves until Ctrl-C; default port "
                + PORT
                + ")",
            ChatServer::serve,
            a -> {
              if (a.length > 0) {
                throw new IllegalArgumentException("unknown argument '" + a[0] + "'");
              }
              Eio.run(env -> run(env, env.stdout()));
            });
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Serves one chat room on {@code listener} until cancelled. */
  static void serve(Listener listener) {
    Net.runServer(listener, member(new Room()), OPTIONS);
  }

  /** Runs the server and a scripted conversation; writes each client's transcript to {@code out}. */
  static void run(Env env, Sink out) {
    Net net = Net.of(env);
    Switch.run(
        sw -> {
          Listener listener = net.listen(sw, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          Promise<Void> stop = Promise.create();
          Promise<Void> server =
              sw.forkPromise(
                  () -> {
                    Net.runServer(listener, member(new Room()), OPTIONS.withStop(stop));
                    return null;
                  });
          Map<String, Client> clients = new LinkedHashMap<>();
          for (String name : List.of("alice", "bob", "carol")) {
            Client c = new Client(name, net.connect(sw, listener.localAddress()));
            c.say(name);
            c.expect(1);
            clients.values().forEach(other -> other.expect(1)); // "* name joined"
            clients.put(name, c);
          }
          Client alice = clients.get("alice");
          Client bob = clients.get("bob");
          Client carol = clients.get("carol");
          alice.say("hi all");
          bob.expect(1);
          carol.expect(1);
          bob.say("hello alice");
          alice.expect(1);
          carol.expect(1);
          carol.say("/quit");
          carol.expectToTheEnd();
          alice.expect(1);
          bob.expect(1);
          bob.say("/quit");
          bob.expectToTheEnd();
          alice.expect(1);
          alice.say("/quit");
          alice.expectToTheEnd();
          stop.resolve(null);
          server.await();
          for (Client c : clients.values()) {
            for (String line : c.transcript) {
              out.write((c.name + " <- " + line + "\n").getBytes(UTF_8));
            }
          }
        });
  }

  /** A scripted member: sends lines and records what it receives, in order. */
  private static final class Client {
    final String name;
    final Connection conn;
    final BufReader in;
    final java.util.ArrayList<String> transcript = new java.util.ArrayList<>();

    Client(String name, Connection conn) {
      this.name = name;
      this.conn = conn;
      this.in = BufReader.of(conn, 4096);
    }

    void say(String line) {
      conn.write((line + "\n").getBytes(UTF_8));
    }

    void expect(int lines) {
      for (int i = 0; i < lines; i++) {
        transcript.add(in.line());
      }
    }

    /** Reads until the server closes the connection (a clean leave). */
    void expectToTheEnd() {
      while (!in.atEndOfInput()) {
        transcript.add(in.line());
      }
      transcript.add("(closed)");
    }
  }
}
