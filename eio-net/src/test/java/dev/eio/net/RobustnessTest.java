package dev.eio.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Time;
import dev.eio.io.BufReader;
import dev.eio.io.BufferLimitExceededException;
import dev.eio.io.InputParseException;
import dev.eio.io.ShutdownCommand;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hostile-client set: floods, slowloris, resets, slow readers, malformed input, fd leaks. */
@Timeout(30)
class RobustnessTest {
  static final InetSocketAddress LOOPBACK = TcpTest.LOOPBACK;

  @Test
  void floodPastMaxConnectionsIsServedWithinTheLimit() {
    int clients = 300;
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger live = new AtomicInteger();
          AtomicInteger most = new AtomicInteger();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK, ListenOptions.defaults().withBacklog(clients));
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              most.accumulateAndGet(live.incrementAndGet(), Math::max);
                              try {
                                ServerTest.UPPER.handle(c);
                              } finally {
                                live.decrementAndGet();
                              }
                            },
                            ServerOptions.defaults().withMaxConnections(8).withStop(stop)));
                List<String> replies =
                    Fiber.map(
                        IntStream.range(0, clients).boxed().toList(),
                        clients,
                        i -> ServerTest.ask(net, l.localAddress(), "x" + i));
                assertEquals(IntStream.range(0, clients).mapToObj(i -> "X" + i).toList(), replies);
                assertTrue(most.get() <= 8, "at most 8 at once, saw " + most.get());
                stop.resolve(null);
              });
        });
  }

  @Test
  void slowlorisClientIsClosedByAnIdleTimeoutWhileOthersAreServed() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          AtomicInteger timedOut = new AtomicInteger();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              BufReader in = BufReader.of(c, 1024);
                              // The whole request must arrive within the time limit: trickling
                              // bytes does not reset it.
                              Optional<String> line =
                                  Time.withTimeout(env.clock(), Duration.ofMillis(300), in::line);
                              if (line.isEmpty()) {
                                timedOut.incrementAndGet();
                                return; // closes the connection
                              }
                              c.write((line.get().toUpperCase() + "\n").getBytes(UTF_8));
                            },
                            ServerOptions.defaults().withStop(stop)));
                Promise<Integer> sent =
                    sw.forkPromise(
                        () ->
                            Switch.call(
                                csw -> {
                                  Connection c = net.connect(csw, l.localAddress());
                                  int n = 0;
                                  try {
                                    // A byte every 50 ms, never a newline; bounded, in case.
                                    while (n < 200) {
                                      c.write(new byte[] {'a'});
                                      n++;
                                      env.clock().sleep(Duration.ofMillis(50));
                                      c.readTimeout(Duration.ofMillis(1));
                                      try {
                                        if (c.read(ByteBuffer.allocate(1)) == -1) {
                                          return n; // the server closed us
                                        }
                                      } catch (PeerIOException e) {
                                        if (!(e.getCause() instanceof java.net.SocketTimeoutException)) {
                                          return n; // reset: closed too
                                        }
                                      }
                                    }
                                  } catch (PeerIOException e) {
                                    return n;
                                  }
                                  return -1;
                                }));
                assertEquals("OK", ServerTest.ask(net, l.localAddress(), "ok"));
                int n = sent.await();
                assertTrue(n > 0 && n < 200, "the slow client was closed after " + n + " bytes");
                assertEquals(1, timedOut.get());
                stop.resolve(null);
              });
        });
  }

  @Test
  void resetInTheMiddleOfARequestIsReportedAndTheServerKeepsServing() throws Exception {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
          AtomicInteger started = new AtomicInteger();
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              started.incrementAndGet();
                              ServerTest.UPPER.handle(c);
                            },
                            ServerOptions.defaults().withStop(stop).withOnError(errors::add)));
                InetSocketAddress addr = (InetSocketAddress) l.localAddress();
                for (int i = 0; i < 20; i++) {
                  try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                    s.getOutputStream().write("half a req".getBytes(UTF_8));
                    int expected = i + 1;
                    await().until(() -> started.get() == expected);
                    s.setSoLinger(true, 0);
                  }
                }
                await().until(() -> errors.size() == 20);
                assertTrue(errors.stream().allMatch(e -> e instanceof PeerIOException), errors.toString());
                assertEquals("STILL HERE", ServerTest.ask(net, addr, "still here"));
                stop.resolve(null);
              });
        });
  }

  @Test
  void slowReaderBlocksTheWriterAndMemoryStaysBounded() {
    int chunk = 64 * 1024;
    int chunks = 512; // 32 MiB, far more than the socket buffers hold
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                AtomicLong written = new AtomicLong();
                AtomicReference<Thread> writer = new AtomicReference<>();
                sw.fork(
                    () ->
                        l.acceptFork(
                            sw,
                            c -> {
                              writer.set(Thread.currentThread());
                              byte[] block = new byte[chunk];
                              for (int i = 0; i < chunks; i++) {
                                java.util.Arrays.fill(block, (byte) i);
                                c.write(block);
                                written.addAndGet(chunk);
                              }
                            },
                            null));
                Connection c = net.connect(sw, l.localAddress());
                await().until(() -> TcpTest.blockedIn(writer.get(), "SocketChannelImpl", "write"));
                long before = written.get();
                assertTrue(before < (long) chunk * chunks / 4, "the writer got ahead by " + before + " bytes");
                // Read everything, check each byte, without holding more than one buffer.
                ByteBuffer buf = ByteBuffer.allocate(chunk);
                long total = 0;
                int n;
                while ((n = c.read(buf)) != -1) {
                  buf.flip();
                  while (buf.hasRemaining()) {
                    byte b = buf.get();
                    assertEquals((byte) (total / chunk), b, "byte " + total);
                    total++;
                  }
                  buf.clear();
                }
                assertEquals((long) chunk * chunks, total);
              });
        });
  }

  @Test
  void malformedInputIsRejectedByTheReaderAndTheServerKeepsServing() {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Void> stop = Promise.create();
                // Protocol: "LEN <digits>\n" then that many bytes; replies "GOT <payload>".
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> {
                              BufReader in = BufReader.of(c, 64);
                              String reply;
                              try {
                                in.expectString("LEN ");
                                int len = Integer.parseInt(new String(in.takeWhile(Character::isDigit), UTF_8));
                                in.expectChar('\n');
                                reply = "GOT " + new String(in.take(len), UTF_8);
                              } catch (InputParseException e) {
                                reply = "ERR parse";
                              } catch (BufferLimitExceededException e) {
                                reply = "ERR too long";
                              } catch (NumberFormatException e) {
                                reply = "ERR number";
                              }
                              c.write((reply + "\n").getBytes(UTF_8));
                            },
                            ServerOptions.defaults().withStop(stop)));
                assertEquals("GOT hello", send(net, l, "LEN 5\nhello"));
                assertEquals("ERR parse", send(net, l, "GET / HTTP/1.1\r\n\r\n"));
                assertEquals("ERR parse", send(net, l, "LEN 5x\nhello"));
                assertEquals("ERR number", send(net, l, "LEN \n"));
                assertEquals("ERR too long", send(net, l, "LEN " + "9".repeat(100) + "\n"));
                assertEquals("ERR too long", send(net, l, "LEN 100\n" + "z".repeat(100)));
                assertEquals("ERR parse", send(net, l, "\u0000\u00ff\u00fe garbage"));
                assertEquals("GOT bye", send(net, l, "LEN 3\nbye"));
                stop.resolve(null);
              });
        });
  }

  private static String send(Net net, Listener l, String request) {
    return Switch.call(
        sw -> {
          Connection c = net.connect(sw, l.localAddress());
          c.write(request.getBytes(UTF_8));
          c.shutdown(ShutdownCommand.SEND);
          return BufReader.of(c).line();
        });
  }

  @Test
  void noFileDescriptorLeaksAfterManyConnections() {
    int connections = Integer.getInteger("eio.net.fdLeakConnections", 10_000);
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK, ListenOptions.defaults().withBacklog(512));
                Promise<Void> stop = Promise.create();
                sw.fork(
                    () ->
                        Net.runServer(
                            l,
                            c -> c.write(new byte[] {(byte) c.read(ByteBuffer.allocate(1))}),
                            ServerOptions.defaults().withStop(stop).withMaxConnections(64)));
                Map<String, String> before = TcpSockets.open();
                Fiber.forEach(IntStream.range(0, connections).boxed().toList(), 16, i -> oneByte(net, l));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> TcpSockets.assertNoneOpenedSince(before));
                stop.resolve(null);
              });
        });
  }

  private static void oneByte(Net net, Listener l) {
    Switch.run(
        sw -> {
          Connection c = net.connect(sw, l.localAddress());
          c.write(new byte[] {1});
          assertEquals(1, c.read(ByteBuffer.allocate(1)));
        });
  }
}
