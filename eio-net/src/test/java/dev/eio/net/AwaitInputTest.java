package dev.eio.net;

import static dev.eio.net.TcpTest.LOOPBACK;
import static dev.eio.net.TcpTest.blockedIn;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.io.Flow;
import dev.eio.io.ShutdownCommand;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Connection#awaitInput}: waiting for input without a buffer, losing no byte. */
@Timeout(60)
class AwaitInputTest {
  /** Runs {@code body} with a connected client and server connection. */
  static void withPair(BiConsumer<Connection, Connection> body) {
    Eio.run(
        env -> {
          Net net = Net.of(env);
          Switch.run(
              sw -> {
                Listener l = net.listen(sw, LOOPBACK);
                Promise<Connection> accepted = sw.forkPromise(() -> l.accept(sw));
                Connection c = net.connect(sw, l.localAddress());
                body.accept(c, accepted.await());
              });
        });
  }

  /**
   * Forks {@code c.awaitInput()} and returns its outcome once the fiber is blocked reading (the
   * wait that keeps a byte, rather than the one that finds bytes ready).
   */
  static Promise<Boolean> waitingFor(Switch sw, Connection c) {
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Promise<Boolean> ready =
        sw.forkPromise(
            () -> {
              waiter.set(Thread.currentThread());
              return c.awaitInput();
            });
    Awaitility.await().until(() -> blockedIn(waiter.get(), "SocketChannelImpl", "read"));
    return ready;
  }

  @Test
  void aReadAfterWaitingReturnsTheKeptBytes() {
    withPair(
        (client, server) -> {
          Switch.run(
              sw -> {
                Promise<Boolean> ready = waitingFor(sw, server);
                client.write("hello".getBytes(UTF_8)); // one segment on loopback
                assertTrue(ready.await());
              });
          assertTrue(server.awaitInput()); // the kept bytes are still there: no wait, no read
          ByteBuffer two = ByteBuffer.allocate(2);
          assertEquals(2, server.read(two));
          ByteBuffer dst = ByteBuffer.allocate(64);
          assertEquals(3, server.read(dst));
          assertEquals("he" + "llo", new String(two.array(), UTF_8) + new String(dst.array(), 0, 3, UTF_8));
        });
  }

  @Test
  void aReadThatEmptiesAFullWaitTakesTheRestThatArrivedWithoutBlocking() {
    withPair(
        (client, server) -> {
          byte[] data = new byte[2000];
          new Random(3).nextBytes(data);
          Switch.run(
              sw -> {
                Promise<Boolean> ready = waitingFor(sw, server);
                client.write(data); // one segment on loopback: all of it there when the wait wakes
                assertTrue(ready.await());
              });
          ByteBuffer dst = ByteBuffer.allocate(4096);
          assertEquals(2000, server.read(dst));
          assertArrayEquals(data, java.util.Arrays.copyOf(dst.array(), 2000));
        });
  }

  @Test
  void waitingAtEndOfInputReturnsFalseAndReadsReturnMinusOne() {
    withPair(
        (client, server) -> {
          client.write("x".getBytes(UTF_8));
          client.shutdown(ShutdownCommand.SEND);
          assertTrue(server.awaitInput());
          ByteBuffer one = ByteBuffer.allocate(1);
          assertEquals(1, server.read(one));
          assertFalse(server.awaitInput());
          assertEquals(-1, server.read(ByteBuffer.allocate(8)));
        });
  }

  @Test
  void aCopyAfterWaitingDoesNotBypassTheKeptBytes() {
    withPair(
        (client, server) -> {
          byte[] data = new byte[100_000];
          new Random(7).nextBytes(data);
          Switch.run(
              sw -> {
                // Write only once the wait blocks, so that its read returns part of the data, kept.
                Promise<Boolean> ready = waitingFor(sw, server);
                sw.fork(
                    () -> {
                      client.write(data);
                      client.shutdown(ShutdownCommand.SEND);
                    });
                assertTrue(ready.await());
                assertTrue(server.readableChannel().isEmpty(), "a direct channel read would skip the kept bytes");
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                Flow.copy(server, Flow.sink(got));
                assertArrayEquals(data, got.toByteArray());
              });
        });
  }

  @Test
  void cancellingAWaitThrowsCancelledAndClosesTheConnection() {
    withPair(
        (client, server) -> {
          AtomicReference<Thread> waiter = new AtomicReference<>();
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx ->
                          Switch.run(
                              inner -> {
                                inner.fork(
                                    () -> {
                                      waiter.set(Thread.currentThread());
                                      server.awaitInput();
                                    });
                                Awaitility.await().until(() -> blockedIn(waiter.get(), "SocketChannelImpl", "read"));
                                ctx.cancel(new RuntimeException("stop waiting"));
                              })));
          assertTrue(server.isClosed());
          assertEquals(-1, client.read(ByteBuffer.allocate(1)));
        });
  }

  /**
   * Random writes with random pauses against a reader that mixes waits and reads of random sizes
   * (1 byte and up): every byte arrives once, in order.
   */
  @Test
  void randomWaitsAndReadsDeliverEveryByteOnceInOrder() {
    int rounds = Integer.getInteger("eio.stress.iterations", 20);
    Random seeds = new Random();
    for (int round = 0; round < rounds; round++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      byte[] data = new byte[1 + r.nextInt(200_000)];
      r.nextBytes(data);
      withPair(
          (client, server) ->
              Switch.run(
                  sw -> {
                    sw.fork(
                        () -> {
                          Random w = new Random(seed ^ 1);
                          for (int off = 0; off < data.length; ) {
                            int n = Math.min(data.length - off, 1 + w.nextInt(20_000));
                            client.write(ByteBuffer.wrap(data, off, n));
                            off += n;
                            if (w.nextInt(4) == 0) {
                              Thread.yield(); // let the reader catch up and wait
                            }
                          }
                          client.shutdown(ShutdownCommand.SEND);
                        });
                    Random rd = new Random(seed ^ 2);
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    while (true) {
                      if (rd.nextBoolean() && !server.awaitInput()) {
                        break;
                      }
                      ByteBuffer dst = ByteBuffer.allocate(rd.nextInt(3) == 0 ? 1 : 1 + rd.nextInt(9_000));
                      int n = server.read(dst);
                      if (n < 0) {
                        break;
                      }
                      got.write(dst.array(), 0, n);
                    }
                    assertArrayEquals(data, got.toByteArray(), "seed " + seed);
                  }));
    }
  }
}
