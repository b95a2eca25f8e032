package dev.eio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.net.Connection;
import dev.eio.net.Net;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The servers' {@code --serve} mode: started, talked to over loopback, stopped; every live
 * connection is closed by the stop, and the run returns.
 */
@Timeout(60)
class ServeModeTest {

  /** A conversation with a running server at {@code address}, on connections of {@code sw}. */
  private interface Talk {
    void talk(Net net, Switch sw, InetSocketAddress address);
  }

  /**
   * Serves with {@code server}, runs {@code talk} against it, stops it with the stop promise and
   * returns what the server printed. The connections {@code talk} leaves open must see end of
   * input once the server is stopped.
   */
  private static String serveAndTalk(String name, ServeUntilStopped.Server server, Talk talk) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, UTF_8);
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Promise<Void> stop = Promise.create();
                  Promise<InetSocketAddress> address = Promise.create();
                  Promise<Void> served =
                      sw.forkPromise(
                          () -> {
                            ServeUntilStopped.run(env, name, 0, out, stop, address::resolve, server);
                            return null;
                          });
                  talk.talk(Net.of(env), sw, address.await());
                  assertFalse(served.isResolved(), "the server serves until it is stopped");
                  stop.resolve(null);
                  served.await();
                }));
    return printed.toString(UTF_8);
  }

  /** A client connection: says lines, reads lines, and checks the server closes it. */
  private record Peer(Connection conn, BufReader in) {
    static Peer connect(Net net, Switch sw, InetSocketAddress address) {
      Connection c = net.connect(sw, address);
      return new Peer(c, BufReader.of(c, 1024));
    }

    /** Sends {@code line} and returns the reply line. */
    String ask(String line) {
      say(line);
      return in.line();
    }

    void say(String line) {
      conn.write((line + "\n").getBytes(UTF_8));
    }

    /** Left open: the stop must close it, which this fiber of {@code sw} checks. */
    void expectClosedBy(Switch sw) {
      sw.fork(() -> assertTrue(in.atEndOfInput(), "the stop closed the connection"));
    }
  }

  @Test
  void echoServerEchoesUntilStoppedThenClosesTheLiveConnection() {
    String printed =
        serveAndTalk(
            "echo server",
            EchoServer::serve,
            (net, sw, address) -> {
              Peer c = Peer.connect(net, sw, address);
              for (int i = 0; i < 3; i++) {
                assertEquals("hello " + i, c.ask("hello " + i));
              }
              c.expectClosedBy(sw);
            });
    assertTrue(printed.matches("(?s)echo server listening on 127\\.0\\.0\\.1:\\d+ .*\\n"
        + "echo server stopped\\n"), printed);
  }

  @Test
  void chatServerBroadcastsBetweenTwoMembersUntilStopped() {
    String printed =
        serveAndTalk(
            "chat server",
            ChatServer::serve,
            (net, sw, address) -> {
              Peer alice = Peer.connect(net, sw, address);
              assertEquals("welcome alice", alice.ask("alice"));
              Peer bob = Peer.connect(net, sw, address);
              assertEquals("welcome bob", bob.ask("bob"));
              assertEquals("* bob joined", alice.in().line());
              bob.say("hi alice");
              assertEquals("bob: hi alice", alice.in().line());
              alice.expectClosedBy(sw);
              bob.expectClosedBy(sw);
            });
    assertTrue(printed.endsWith("chat server stopped\n"), printed);
  }

  @Test
  void fibServerAnswersOnItsDomainsUntilStopped() {
    String printed =
        serveAndTalk(
            "fib server",
            FibServer::serveOnAllCores,
            (net, sw, address) -> {
              Peer c = Peer.connect(net, sw, address);
              assertEquals("832040", c.ask("fib 30"));
              assertEquals("error: not a number: 'x'", c.ask("fib x"));
              c.expectClosedBy(sw);
            });
    assertTrue(printed.endsWith("fib server stopped\n"), printed);
  }

  @Test
  void badServeArgumentsAreOneLineEach() {
    assertTrue(ServeUntilStopped.port(new String[] {"3", "4"}, 7).isEmpty());
    assertEquals(7, ServeUntilStopped.port(new String[] {"--serve"}, 7).getAsInt());
    assertEquals(0, ServeUntilStopped.port(new String[] {"--serve", "0"}, 7).getAsInt());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeUntilStopped.port(new String[] {"--serve", "http"}, 7));
    assertEquals("--serve needs a port number, got 'http'", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeUntilStopped.port(new String[] {"--serve", "70000"}, 7));
    assertEquals("--serve port must be between 0 and 65535, got 70000", e.getMessage());
  }

  /**
   * Ctrl-C as a user presses it: SIGINT to a JVM running {@code EchoServer --serve 0}, with a
   * client connected; the JVM prints that the server stopped, the client reads end of input.
   */
  @Test
  void ctrlCStopsTheServerCleanly() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                EchoServer.class.getName(),
                "--serve",
                "0")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
      String first = out.readLine();
      Matcher m = Pattern.compile("echo server listening on 127\\.0\\.0\\.1:(\\d+) .*").matcher(first);
      assertTrue(m.matches(), first);
      try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
        s.getOutputStream().write("ping\n".getBytes(UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
        assertEquals("ping", in.readLine());
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertNull(in.readLine(), "the server closed the connection on Ctrl-C");
      }
      List<String> rest = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        rest.add(line);
      }
      assertEquals(List.of("echo server stopped"), rest);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the JVM exits after Ctrl-C");
    } finally {
      p.destroyForcibly();
    }
  }
}
