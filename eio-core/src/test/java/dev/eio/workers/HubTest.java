package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.ChannelClosedException;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Workers#spawn}: a hub function in a worker JVM and the parties the parent connects. */
@Timeout(60)
class HubTest {
  record Ping(int n) implements java.io.Serializable {}

  record Pong(int n, long pid) implements java.io.Serializable {}

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void theHubSeesEachPartyConnectSendAndDisconnectInOrder() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, List<String>> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                List<String> seen = new ArrayList<>();
                                for (HubEvent<String> e : h) {
                                  seen.add(
                                      switch (e) {
                                        case HubEvent.Connected<String> c ->
                                            "connected " + c.party();
                                        case HubEvent.Message<String> m ->
                                            m.party() + ": " + m.value();
                                        case HubEvent.Disconnected<String> d ->
                                            "disconnected " + d.party();
                                      });
                                }
                                return seen;
                              });
                  HubConnection<String, String> a = hub.connection();
                  HubConnection<String, String> b = hub.connect();
                  hub.close();
                  assertThrows(IllegalStateException.class, hub::connect);
                  a.send("a1");
                  b.send("b1");
                  a.send("a2");
                  a.close();
                  assertThrows(ChannelClosedException.class, () -> a.send("late"));
                  b.close();
                  assertEquals(
                      List.of(
                          "connected 1",
                          "connected 2",
                          "1: a1",
                          "2: b1",
                          "1: a2",
                          "disconnected 1",
                          "disconnected 2"),
                      hub.result().await());
                }));
  }

  @Test
  void sendReachesOnePartyAndBroadcastReachesEveryConnectedParty() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, Integer> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                for (HubEvent<String> e : h) {
                                  if (e instanceof HubEvent.Message<String>(long p, String v)) {
                                    if (v.startsWith("all:")) {
                                      h.broadcast(v.substring(4));
                                    } else {
                                      h.send(p, "echo " + v + " to " + p);
                                    }
                                  }
                                }
                                return h.parties().size();
                              });
                  HubConnection<String, String> a = hub.connection();
                  HubConnection<String, String> b = hub.connect();
                  HubConnection<String, String> c = hub.connect();
                  hub.close();
                  b.send("hello");
                  assertEquals("echo hello to 2", b.receive());
                  c.send("all:news");
                  assertEquals("news", a.receive());
                  assertEquals("news", b.receive());
                  assertEquals("news", c.receive());
                  a.send("x");
                  assertEquals("echo x to 1", a.receive());
                  a.close();
                  b.close();
                  c.close();
                  assertEquals(0, hub.result().await());
                  // The hub returned: each connection is done, a for-each over it ends normally.
                  for (String unexpected : a) {
                    fail("no message was left for a, got " + unexpected);
                  }
                }));
  }

  @Test
  void typedMessagesCrossBothWaysAndTheHubRunsInAnotherProcess() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<Ping, Pong, Long> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                long sum = 0;
                                for (HubEvent<Ping> e : h) {
                                  if (e instanceof HubEvent.Message<Ping>(long p, Ping ping)) {
                                    sum += ping.n();
                                    h.send(p, new Pong(ping.n(), ProcessHandle.current().pid()));
                                  }
                                }
                                return sum;
                              });
                  HubConnection<Ping, Pong> c = hub.connection();
                  hub.close();
                  for (int i = 1; i <= 100; i++) {
                    c.send(new Ping(i));
                  }
                  int n = 0;
                  for (Pong pong : c) {
                    n++;
                    assertEquals(n, pong.n());
                    assertEquals(hub.pid(), pong.pid());
                    assertNotEquals(ProcessHandle.current().pid(), pong.pid());
                    if (n == 100) {
                      c.close();
                    }
                  }
                  assertEquals(100, n);
                  assertEquals(5050L, hub.result().await());
                }));
  }

  @Test
  void aMessageOfAClassOutsideTheAllowListIsRefusedAndTheNextOneStillArrives() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, Object, Void> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                for (HubEvent<String> e : h) {
                                  if (e instanceof HubEvent.Message<String> m) {
                                    h.send(m.party(), new AtomicInteger(7));
                                    h.send(m.party(), "after");
                                  }
                                }
                                return null;
                              });
                  HubConnection<String, Object> c = hub.connection();
                  c.send("go");
                  CodecException e = assertThrows(CodecException.class, c::receive);
                  assertEquals(
                      "java.util.concurrent.atomic.AtomicInteger", e.refusedClass().orElseThrow());
                  assertEquals("after", c.receive());
                  // Sending what cannot be encoded fails at once, in the sender.
                  HubConnection<Object, Object> raw = cast(c);
                  assertThrows(CodecException.class, () -> raw.send(new Object()));
                  hub.close();
                  c.close();
                  assertNull(hub.result().await());
                }));
  }

  @SuppressWarnings("unchecked")
  private static <A, B> HubConnection<A, B> cast(HubConnection<?, ?> c) {
    return (HubConnection<A, B>) c;
  }

  @Test
  void aCrashOfTheHubWorkerBreaksEveryConnectionAndFailsThePromise() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, Void> hub =
                      Workers.of(env)
                          .withName("crashing-hub")
                          .spawn(
                              sw,
                              h -> {
                                for (HubEvent<String> e : h) {
                                  if (e instanceof HubEvent.Message<String> m) {
                                    if (m.value().equals("die")) {
                                      Runtime.getRuntime().halt(42);
                                    }
                                    h.send(m.party(), "ok " + m.value());
                                  }
                                }
                                return null;
                              });
                  HubConnection<String, String> a = hub.connection();
                  HubConnection<String, String> b = hub.connect();
                  a.send("1");
                  assertEquals("ok 1", a.receive());
                  Promise<Throwable> blocked =
                      sw.forkPromise(
                          () -> assertThrows(ChannelClosedException.class, b::receive).getCause());
                  a.send("die");
                  WorkerCrashedException crash =
                      assertInstanceOf(WorkerCrashedException.class, blocked.await());
                  assertEquals(42, crash.exitStatus().orElseThrow());
                  assertTrue(crash.worker().startsWith("crashing-hub-"), crash.worker());
                  assertSame(
                      crash,
                      assertThrows(WorkerCrashedException.class, () -> hub.result().await()));
                  ChannelClosedException sendAfter =
                      assertThrows(ChannelClosedException.class, () -> a.send("2"));
                  assertSame(crash, sendAfter.getCause());
                  assertThrows(IllegalStateException.class, hub::connect);
                }));
  }

  @Test
  void anExceptionOfTheHubFunctionFailsThePromiseAndBreaksTheConnections() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, Void> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                h.receive(); // Connected
                                throw new IllegalStateException("hub gave up: " + h.receive());
                              });
                  HubConnection<String, String> c = hub.connection();
                  c.send("why");
                  IllegalStateException e =
                      assertThrows(IllegalStateException.class, () -> hub.result().await());
                  assertEquals("hub gave up: Message[party=1, value=why]", e.getMessage());
                  ChannelClosedException broken =
                      assertThrows(ChannelClosedException.class, c::receive);
                  assertSame(e, broken.getCause());
                }));
  }

  @Test
  void theHubCanDisconnectOneParty() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, List<Long>> hub =
                      Workers.of(env)
                          .spawn(
                              sw,
                              h -> {
                                List<Long> left = new ArrayList<>();
                                for (HubEvent<String> e : h) {
                                  switch (e) {
                                    case HubEvent.Message<String> m -> {
                                      h.send(m.party(), "bye");
                                      assertTrue(h.disconnect(m.party()));
                                      assertFalse(h.send(m.party(), "dropped"));
                                    }
                                    case HubEvent.Disconnected<String> d -> left.add(d.party());
                                    case HubEvent.Connected<String> c -> {}
                                  }
                                }
                                return left;
                              });
                  HubConnection<String, String> a = hub.connection();
                  HubConnection<String, String> b = hub.connect();
                  hub.close();
                  b.send("let me go");
                  List<String> got = new ArrayList<>();
                  for (String s : b) {
                    got.add(s);
                  }
                  assertEquals(List.of("bye"), got);
                  assertTrue(b.isClosed());
                  assertThrows(ChannelClosedException.class, () -> b.send("again"));
                  a.close();
                  assertEquals(List.of(2L, 1L), hub.result().await());
                }));
  }

  @Test
  void finishingTheSwitchCancelsABlockedPartyAndTheHubAndNoWorkerOutlivesIt() {
    AtomicLong pid = new AtomicLong();
    AtomicReference<Promise<String>> result = new AtomicReference<>();
    AtomicReference<Throwable> partySaw = new AtomicReference<>();
    IllegalStateException stop = new IllegalStateException("stop");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Eio.run(
                    env ->
                        Switch.run(
                            sw -> {
                              HubWorker<String, String, String> hub =
                                  Workers.of(env)
                                      .spawn(
                                          sw,
                                          h -> {
                                            for (HubEvent<String> e : h) {
                                              h.broadcast("ready");
                                            }
                                            return "never";
                                          });
                              pid.set(hub.pid());
                              result.set(hub.result());
                              HubConnection<String, String> c = hub.connection();
                              assertEquals("ready", c.receive());
                              sw.fork(
                                  () -> {
                                    try {
                                      c.receive();
                                    } catch (Throwable t) {
                                      partySaw.set(t);
                                      throw t;
                                    }
                                  });
                              sw.fail(stop);
                            })));
    assertSame(stop, thrown);
    assertInstanceOf(Cancelled.class, partySaw.get());
    assertFalse(alive(pid.get()), "hub worker " + pid.get() + " outlived its switch");
    assertThrows(Cancelled.class, () -> result.get().await());
  }

  @Test
  void aHubThatIgnoresCancellationIsKilledAfterTheGracePeriod() {
    AtomicLong pid = new AtomicLong();
    long start = System.nanoTime();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  HubWorker<String, String, Void> hub =
                      Workers.of(env)
                          .withGracePeriod(Duration.ofMillis(300))
                          .spawn(
                              sw,
                              h -> {
                                h.receive();
                                h.broadcast("spinning");
                                while (true) {
                                  Thread.onSpinWait(); // deaf to interrupts
                                }
                              });
                  pid.set(hub.pid());
                  assertEquals("spinning", hub.connection().receive());
                  // The body returns with the hub still running: the switch's end stops it.
                }));
    assertFalse(alive(pid.get()), "hub worker " + pid.get() + " outlived its switch");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
  }
}
