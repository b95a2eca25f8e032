package dev.eio.rpc;

import static dev.eio.rpc.RpcActorTest.awaitParkedIn;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.Mailbox;
import dev.eio.actor.MailboxFullException;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.SharedCluster;
import dev.eio.internal.rpc.RpcCall;
import dev.eio.workers.CodecException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * A contract served on an actor and called over the wire: member 1 serves, member 0 calls. Each
 * test serves its own actor in its own switch (a member serves a contract once at a time).
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class RpcActorClusterTest {
  static SharedCluster shared;

  @BeforeAll
  static void start() throws Exception {
    shared = new SharedCluster("rpc-actor-test", 2, ClusterConfig.local("x"));
  }

  @AfterAll
  static void stop() throws Exception {
    shared.close();
  }

  static String server() {
    Cluster c = shared.members.get(1);
    return c.config().host() + ":" + c.config().port();
  }

  static Tally remote(Duration timeout) {
    return Rpc.connect(shared.members.get(0), server(), Tally.class, timeout);
  }

  /** {@link RpcActorTest#withActor}, the actor served on member 1 as well. */
  static void withServed(Mailbox mailbox, PlainTally impl, RpcActorTest.Body body) {
    RpcActorTest.withActor(
        mailbox,
        impl,
        (sw, actor, near) -> {
          Rpc.serve(sw, shared.members.get(1), actor);
          body.run(sw, actor, near);
        });
  }

  static RpcActor<Tally> serve(Switch sw, Mailbox mailbox, PlainTally impl) {
    RpcActor<Tally> actor = Rpc.actor(sw, Tally.class, mailbox, impl);
    Rpc.serve(sw, shared.members.get(1), actor);
    return actor;
  }

  @Test
  void callsFromTheClusterAndFromThisJvmShareTheActorOneAtATime() {
    PlainTally impl = new PlainTally();
    withServed(
        Mailbox.unbounded(),
        impl,
        (sw, actor, near) -> {
          Tally far = remote(null);
          RpcActorTest.addConcurrently(8, 25, c -> c % 2 == 0 ? far : near);
          assertEquals(200, far.total(), "an update was lost: calls overlapped");
          Tally.Negative n = assertThrows(Tally.Negative.class, () -> far.add(-1));
          assertEquals(PlainTally.class.getName(), n.getStackTrace()[0].getClassName(), "not the remote stack");
          String notes = Arrays.toString(n.getSuppressed());
          assertTrue(notes.contains("cluster member " + server()), notes);
          assertTrue(notes.contains("add(int) called on"), notes);
          assertNotSame(near, far);
        });
    assertEquals(0, impl.overlaps.get(), "calls overlapped");
  }

  @Test
  void aCancelledOrLateCallerStopsItsRunningCallAloneAndSkipsAQueuedOne() {
    PlainTally impl = new PlainTally();
    withServed(
        Mailbox.unbounded(),
        impl,
        (sw, actor, near) -> {
          // Running, then its caller is cancelled: the method alone is interrupted, and the call
          // returns once it has stopped.
          AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
          Promise<Object> running =
              RpcActorTest.cancellable(sw, new AtomicReference<>(), ctx, () -> { remote(null).hold(); return null; });
          impl.holding.await();
          ctx.get().cancel(new RuntimeException("caller gave up"));
          assertThrows(Cancelled.class, running::await);
          assertEquals(1, impl.stops.get(), "the call returned before the method had stopped");
          // A deadline: Timeout, with nothing of the call running after it (under load it may
          // pass before the actor took the call: then the call never ran).
          impl.holding = new CountDownLatch(1);
          Timeout t = assertThrows(Timeout.class, () -> remote(Duration.ofMillis(300)).hold());
          assertEquals(Duration.ofMillis(300), t.duration());
          assertEquals(impl.holds.get(), impl.stops.get(), "the call returned before the method had stopped");
          assertEquals(1, remote(null).add(1), "the actor stopped serving");
          // Queued behind a held call: the deadline removes it, it never runs.
          impl.holding = new CountDownLatch(1);
          Promise<Object> held = RpcActorTest.holding(sw, near, impl);
          assertThrows(Timeout.class, () -> remote(Duration.ofMillis(200)).add(100));
          impl.release.countDown();
          held.await();
          assertEquals(1, near.total(), "a call ran after its remote caller gave up");
        });
  }

  @Test
  void forgedCallsAreRefusedBeforeReachingTheActorAndAFullMailboxFailsTheCaller() {
    PlainTally impl = new PlainTally();
    Cluster attacker = shared.members.get(0);
    String tally = Tally.class.getName();
    withServed(
        Mailbox.bounded(1, Mailbox.WhenFull.FAIL),
        impl,
        (sw, actor, near) -> {
          Promise<Object> held = RpcActorTest.holding(sw, near, impl);
          AtomicReference<Thread> queued = new AtomicReference<>();
          Promise<Integer> second = RpcActorTest.call(sw, queued, () -> near.add(2));
          awaitParkedIn(queued, "Call");
          // The mailbox is full: a call that reached the actor fails with
          // MailboxFullException, so a refusal proves the checks ran first.
          MailboxFullException full = assertThrows(MailboxFullException.class, () -> remote(null).add(1));
          assertTrue(full.getMessage().contains("is full (capacity 1)"), full.getMessage());
          for (String method : new String[] {"evil()", "hold(java.lang.String)", "add(java.lang.Integer)", "wait()"}) {
            CallRefusedException e =
                assertThrows(
                    CallRefusedException.class,
                    () -> attacker.runOn(server(), new RpcCall(tally, method, new Object[] {1L, 2})));
            assertTrue(e.getMessage().contains("has no method " + method), e.getMessage());
          }
          CallRefusedException badArg =
              assertThrows(
                  CallRefusedException.class,
                  () -> attacker.runOn(server(), new RpcCall(tally, "add(int)", new Object[] {"1"})));
          assertTrue(badArg.getMessage().contains("argument 0 of add(int) must be a int"), badArg.getMessage());
          assertThrows(
              CallRefusedException.class,
              () -> attacker.runOn(server(), new RpcCall(tally, "total()", new Object[] {1})));
          // A class off the member's allow-list: refused by the codec before the actor.
          RpcClusterTest.Gadget.READ.set(false);
          CodecException refused =
              assertThrows(CodecException.class, () -> remote(null).echo(new RpcClusterTest.Gadget()));
          assertEquals(RpcClusterTest.Gadget.class.getName(), refused.refusedClass().orElseThrow());
          assertFalse(RpcClusterTest.Gadget.READ.get());
          assertEquals(1, impl.calls.get(), "a refused call reached the implementation");
          impl.release.countDown();
          held.await();
          assertEquals(2, second.await());
        });
  }

  @Test
  void whenTheOwningSwitchEndsACallInFlightFailsAndServingStops() {
    PlainTally impl = new PlainTally();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  CountDownLatch stop = new CountDownLatch(1);
                  RpcActorTest.ownedUntil(sw, stop, owner -> serve(owner, Mailbox.unbounded(), impl));
                  Promise<Object> inFlight = sw.forkPromise(() -> { remote(null).hold(); return null; });
                  impl.holding.await();
                  stop.countDown();
                  ActorExitException e = assertThrows(ActorExitException.class, inFlight::await);
                  assertTrue(e.getMessage().contains("serving " + Tally.class.getName() + " stopped"), e.getMessage());
                  assertEquals(1, impl.stops.get());
                  CallRefusedException later = assertThrows(CallRefusedException.class, () -> remote(null).total());
                  assertTrue(later.getMessage().contains("no service " + Tally.class.getName()), later.getMessage());
                }));
  }

  /** Rounds of the randomized deadline test; {@code -Deio.stress.iterations=N} for a soak. */
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 30);

  @Test
  void remoteDeadlinesAtRandomMomentsNeverLeaveACallRunningOrRunOneTwice() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    PlainTally impl = new PlainTally();
    int[] outcomes = new int[2];
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  serve(sw, Mailbox.unbounded(), impl);
                  for (int round = 0; round < ITERATIONS; round++) {
                    long id = round;
                    int work = random.nextInt(20);
                    Duration limit = Duration.ofMillis(1 + random.nextInt(60));
                    String where = "seed " + seed + " round " + round + " work " + work + " ms, limit " + limit;
                    try {
                      assertEquals(id, remote(limit).work(id, work), where);
                      outcomes[0]++;
                      assertEquals(1, impl.ran.get(id), "a returned call did not run once: " + where);
                    } catch (Timeout t) {
                      impl.gaveUp.add(id);
                      outcomes[1]++;
                    }
                    assertNotEquals(id, impl.current, "a call still ran after its caller returned: " + where);
                  }
                  // A last call after all: every earlier one is over by now.
                  assertEquals(-1L, remote(null).work(-1L, 0));
                }));
    assertEquals(0, impl.ranAfterGivingUp.get(), "a call ran after its caller gave up");
    assertTrue(impl.ran.values().stream().allMatch(n -> n == 1), "a call ran twice: " + impl.ran);
    assertEquals(0, impl.overlaps.get());
    System.out.println(
        "RpcActorClusterTest: " + ITERATIONS + " rounds, " + outcomes[0] + " returned, " + outcomes[1] + " timed out");
  }
}
