package dev.eio;

import static dev.eio.ChannelTest.awaitParked;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelSelectTest {

  @Test
  void selectTakesTheClauseThatIsReady() {
    Channel<Integer> a = Channel.create(1);
    Channel<String> b = Channel.create(1);
    b.send("bee");
    String got = Channel.select(a.onReceive(x -> "a" + x), b.onReceive(x -> "b:" + x));
    assertEquals("b:bee", got);
    assertEquals(0, b.size());
  }

  @Test
  void whenSeveralClausesAreReadyTheFirstInArgumentOrderWinsAndOnlyItHappens() {
    Channel<Integer> a = Channel.create(1);
    Channel<Integer> b = Channel.create(1);
    Channel<Integer> out = Channel.create(1);
    a.send(1);
    b.send(2);
    int got = Channel.select(b.onReceive(x -> x), a.onReceive(x -> x), out.onSend(3, () -> 3));
    assertEquals(2, got);
    assertEquals(1, a.size());
    assertEquals(0, out.size());
  }

  @Test
  void exactlyOneClauseHappensWhenSelectWaitsOnSeveralChannels() {
    Channel<String> a = Channel.rendezvous();
    Channel<String> b = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    String got =
        Switch.call(
            sw -> {
              Promise<String> p =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return Channel.select(a.onReceive(x -> "a:" + x), b.onReceive(x -> "b:" + x));
                      });
              awaitParked(t);
              b.send("second");
              return p.await();
            });
    assertEquals("b:second", got);
    // The losing registration on a is gone: nobody takes a rendezvous item any more.
    assertFalse(a.trySend("late"));
  }

  @Test
  void sendClauseHandsTheItemToAWaitingReceiver() {
    Channel<String> ch = Channel.rendezvous();
    Channel<String> other = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    String got =
        Switch.call(
            sw -> {
              Promise<String> r =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return ch.receive();
                      });
              awaitParked(t);
              String which = Channel.select(other.onSend("no", () -> "other"), ch.onSend("yes", () -> "ch"));
              assertEquals("ch", which);
              return r.await();
            });
    assertEquals("yes", got);
  }

  @Test
  void aWaitingSendClauseIsTakenByALaterReceiver() {
    Channel<Integer> ch = Channel.rendezvous();
    Channel<Integer> unused = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    int got =
        Switch.call(
            sw -> {
              Promise<String> s =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return Channel.select(ch.onSend(7, () -> "sent"), unused.onReceive(x -> "got"));
                      });
              awaitParked(t);
              int x = ch.receive();
              assertEquals("sent", s.await());
              return x;
            });
    assertEquals(7, got);
    assertFalse(unused.trySend(1));
  }

  @Test
  void twoSelectsMeetOnARendezvousChannel() {
    for (int i = 0; i < 200; i++) {
      Channel<Integer> ch = Channel.rendezvous();
      Channel<Integer> x = Channel.rendezvous();
      Channel<Integer> y = Channel.rendezvous();
      int k = i;
      var r =
          Fiber.pair(
              () -> Channel.select(ch.onSend(k, () -> -1), x.onReceive(v -> -2)),
              () -> Channel.select(y.onReceive(v -> -3), ch.onReceive(v -> v)));
      assertEquals(-1, r.first());
      assertEquals(k, r.second());
    }
  }

  @Test
  void sendAndReceiveClausesOnTheSameChannelInOneSelect() {
    Channel<Integer> ch = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    Switch.run(
        sw -> {
          Promise<String> p =
              sw.forkPromise(
                  () -> {
                    t.set(Thread.currentThread());
                    return Channel.select(ch.onSend(1, () -> "sent"), ch.onReceive(v -> "got " + v));
                  });
          awaitParked(t);
          ch.send(5);
          assertEquals("got 5", p.await());
        });
    assertFalse(ch.trySend(9));
  }

  @Test
  void defaultClauseIsChosenWhenNoClauseCanHappenAtOnceAndNothingStaysRegistered() {
    Channel<Integer> a = Channel.rendezvous();
    Channel<Integer> full = Channel.create(1);
    full.send(0);
    String got =
        Channel.select(
            a.onReceive(x -> "a"), full.onSend(1, () -> "full"), Channel.onDefault(() -> "default"));
    assertEquals("default", got);
    assertFalse(a.trySend(1));
    assertEquals(Optional.of(0), full.tryReceive());
    assertEquals(Optional.empty(), full.tryReceive());
  }

  @Test
  void timeoutClauseIsChosenWhenNothingHappensInTime() {
    Channel<Integer> a = Channel.rendezvous();
    String got =
        Channel.select(a.onReceive(x -> "a"), Channel.onTimeout(Duration.ofMillis(20), () -> "timeout"));
    assertEquals("timeout", got);
    assertFalse(a.trySend(1));
  }

  /** Jox ChannelTest "should not allow a zero or negative timeout"; Time.withTimeout agrees. */
  @Test
  void aTimeoutClauseRejectsZeroAndNegativeDurations() {
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class, () -> Channel.onTimeout(Duration.ZERO, () -> "t"));
    assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Channel.onTimeout(Duration.ofMillis(-1), () -> "t"));
  }

  @Test
  void selectWithANullClauseNamesItsIndex() {
    Channel<Integer> a = Channel.rendezvous();
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Channel.select(a.onReceive(x -> 1), null));
    assertEquals("clause 1 must not be null", e.getMessage());
  }

  @Test
  void aClauseThatHappensBeforeTheTimeoutWins() {
    Channel<Integer> a = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    String got =
        Switch.call(
            sw -> {
              Promise<String> p =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return Channel.select(
                            a.onReceive(x -> "a" + x),
                            Channel.onTimeout(Duration.ofDays(365_000), () -> "timeout"));
                      });
              awaitParked(t);
              a.send(1);
              return p.await();
            });
    assertEquals("a1", got);
  }

  @Test
  void aClauseOnAClosedChannelMakesSelectThrowChannelClosed() {
    Channel<Integer> open = Channel.rendezvous();
    Channel<Integer> closed = Channel.create(1);
    closed.close();
    ChannelClosedException r =
        assertThrows(
            ChannelClosedException.class,
            () -> Channel.select(open.onReceive(x -> x), closed.onReceive(x -> x)));
    assertNull(r.getCause());
    assertThrows(
        ChannelClosedException.class, () -> Channel.select(closed.onSend(1, () -> 1)));
  }

  @Test
  void closingAChannelWakesASelectWaitingOnIt() {
    Channel<Integer> a = Channel.rendezvous();
    Channel<Integer> b = Channel.rendezvous();
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<Thread> t = new AtomicReference<>();
    Throwable got =
        Switch.call(
            sw -> {
              Promise<Throwable> p =
                  sw.forkPromise(
                      () -> {
                        t.set(Thread.currentThread());
                        return assertThrows(
                            ChannelClosedException.class,
                            () -> Channel.select(a.onReceive(x -> x), b.onReceive(x -> x)));
                      });
              awaitParked(t);
              b.fail(boom);
              return p.await();
            });
    assertSame(boom, got.getCause());
    assertFalse(a.trySend(1));
  }

  @Test
  void cancelledSelectNeitherSendsNorReceives() {
    Channel<Integer> in = Channel.rendezvous();
    Channel<Integer> out = Channel.rendezvous();
    AtomicReference<Thread> t = new AtomicReference<>();
    AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
    Switch.run(
        sw -> {
          sw.fork(
              () ->
                  assertThrows(
                      Cancelled.class,
                      () ->
                          Cancel.sub(
                              c -> {
                                ctx.set(c);
                                t.set(Thread.currentThread());
                                Channel.select(in.onReceive(x -> x), out.onSend(1, () -> 0));
                              })));
          awaitParked(t);
          ctx.get().cancel(new RuntimeException("stop"));
        });
    assertFalse(in.trySend(1));
    assertEquals(Optional.empty(), out.tryReceive());
  }

  @Test
  void selectThatLosesAFirstRaceLeavesTheItemInTheChannel() {
    for (int n = 0; n < 200; n++) {
      int i = n;
      Channel<Integer> ch = Channel.create(1);
      Channel<Integer> other = Channel.rendezvous();
      String winner =
          Fiber.first(
              () -> Channel.select(ch.onReceive(x -> "received " + x), other.onReceive(x -> "other")),
              () -> {
                ch.send(i);
                return "sent";
              },
              (a, b) -> a + " and " + b);
      Optional<Integer> left = ch.tryReceive();
      if (winner.startsWith("received")) {
        assertEquals(Optional.empty(), left, winner);
      } else {
        assertEquals(Optional.of(i), left, winner);
      }
    }
  }

  @Test
  void theChosenClauseFunctionRunsExactlyOnce() {
    Channel<Integer> ch = Channel.create(2);
    ch.send(1);
    AtomicInteger calls = new AtomicInteger();
    int got = Channel.select(ch.onReceive(x -> calls.incrementAndGet() * 10 + x));
    assertEquals(11, got);
    assertEquals(1, calls.get());
  }

  @Test
  void malformedSelectsAreIllegalArguments() {
    Channel<Integer> ch = Channel.create(1);
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class, () -> Channel.select(Channel.onDefault(() -> 1)));
    assertEquals("select needs at least one send or receive clause", none.getMessage());
    IllegalArgumentException two =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Channel.select(
                    ch.onReceive(x -> x),
                    Channel.onDefault(() -> 1),
                    Channel.onTimeout(Duration.ofSeconds(1), () -> 2)));
    assertTrue(two.getMessage().startsWith("select takes at most one default or timeout clause"));
    assertThrows(NullPointerException.class, () -> Channel.select(ch.onReceive(x -> x), null));
    assertThrows(NullPointerException.class, () -> ch.onSend(null, () -> 1));
    assertThrows(IllegalArgumentException.class, () -> Channel.select(List.of()));
  }
}
