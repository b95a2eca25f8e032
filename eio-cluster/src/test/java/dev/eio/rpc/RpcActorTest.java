package dev.eio.rpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.Actors;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import dev.eio.actor.MailboxFullException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A contract served on an actor, called by local clients: no cluster. */
@org.junit.jupiter.api.Timeout(60)
class RpcActorTest {
  /** Waits until {@code t} is parked in an object of the class named {@code blocker}. */
  static void awaitParkedIn(AtomicReference<Thread> t, String blocker) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              Thread th = t.get();
              Object b = th == null ? null : LockSupport.getBlocker(th);
              return b != null && b.getClass().getSimpleName().equals(blocker);
            });
  }

  /** Forks a fiber in {@code sw} that records its thread in {@code who} and runs {@code body}. */
  static <T> Promise<T> call(Switch sw, AtomicReference<Thread> who, java.util.concurrent.Callable<T> body) {
    return sw.forkPromise(
        () -> {
          who.set(Thread.currentThread());
          return body.call();
        });
  }

  /** A test body given the switch, the actor and a client of it without a time limit. */
  interface Body {
    void run(Switch sw, RpcActor<Tally> actor, Tally t) throws Exception;
  }

  /** Runs {@code body} with an actor serving {@code impl} from {@code mailbox}, in a switch of its own. */
  static void withActor(Mailbox mailbox, PlainTally impl, Body body) {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  RpcActor<Tally> actor = Rpc.actor(sw, Tally.class, mailbox, impl);
                  body.run(sw, actor, actor.client());
                }));
  }

  /** Forks a {@link Tally#hold} call through {@code t} and waits until the actor runs it. */
  static Promise<Object> holding(Switch sw, Tally t, PlainTally impl) throws InterruptedException {
    Promise<Object> held = sw.forkPromise(() -> { t.hold(); return null; });
    impl.holding.await();
    return held;
  }

  /** Like {@link #call}, inside a {@link Cancel#sub} whose context goes to {@code ctx}. */
  static <T> Promise<T> cancellable(
      Switch sw, AtomicReference<Thread> who, AtomicReference<Cancel.Context> ctx, java.util.concurrent.Callable<T> body) {
    return call(sw, who, () -> Cancel.subCall(c -> { ctx.set(c); return body.call(); }));
  }

  /** {@code callers} fibers each add 1 {@code each} times, caller {@code c} through {@code client(c)}. */
  static void addConcurrently(int callers, int each, java.util.function.IntFunction<Tally> client) {
    Switch.run(
        sw -> {
          for (int c = 0; c < callers; c++) {
            Tally t = client.apply(c);
            sw.fork(
                () -> {
                  for (int i = 0; i < each; i++) {
                    t.add(1);
                  }
                });
          }
        });
  }

  /**
   * Runs {@code setup} in a new switch forked in {@code sw}, which ends once {@code stop} is
   * counted down; returns once {@code setup} is done.
   */
  static void ownedUntil(Switch sw, CountDownLatch stop, dev.eio.CheckedConsumer<Switch> setup)
      throws InterruptedException {
    CountDownLatch up = new CountDownLatch(1);
    sw.fork(
        () ->
            Switch.run(
                owner -> {
                  setup.accept(owner);
                  up.countDown();
                  stop.await();
                }));
    up.await();
  }

  @Test
  void callsRunOneAtATimeSoAPlainImplementationLosesNoUpdate() {
    PlainTally impl = new PlainTally();
    int callers = 8;
    int each = 200;
    withActor(
        Mailbox.unbounded(),
        impl,
        (sw, actor, t) -> {
          addConcurrently(callers, each, c -> t);
          assertEquals(callers * each, t.total(), "an update was lost: calls overlapped");
        });
    assertEquals(0, impl.overlaps.get(), "calls overlapped");
  }

  @Test
  void valuesAndArgumentsAreTheObjectsThemselvesAndExceptionsComeBackAsDeclared() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.unbounded(),
        impl,
        (sw, actor, t) -> {
          int[] mutable = {1};
          assertSame(mutable, t.echo(mutable), "a local call copied its argument");
          Tally.Negative n = assertThrows(Tally.Negative.class, () -> t.add(-3));
          assertEquals("negative amount -3", n.getMessage());
          assertEquals(PlainTally.class.getName(), n.getStackTrace()[0].getClassName());
          String notes = Arrays.toString(n.getSuppressed());
          assertTrue(notes.contains("add(int) called on actor '" + Tally.class.getName() + "'"), notes);
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fail("boom"));
          assertEquals("boom", e.getMessage());
          assertEquals("fail", e.getStackTrace()[0].getMethodName());
          assertEquals(4, t.add(4), "the actor stopped serving after a method threw");
          assertEquals(
              "RpcClient[" + Tally.class.getName() + " on actor '" + Tally.class.getName() + "']",
              t.toString());
          // A call from the actor to itself would wait for itself forever: refused.
          impl.self = t;
          IllegalStateException self = assertThrows(IllegalStateException.class, t::callSelf);
          assertTrue(self.getMessage().contains("would wait for itself"), self.getMessage());
          assertTrue(actor.ref().isAlive());
        });
  }

  @Test
  void aFullFailMailboxFailsTheCallAtOnceAndItNeverRuns() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.bounded(1, Mailbox.WhenFull.FAIL),
        impl,
        (sw, actor, t) -> {
          Promise<Object> held = holding(sw, t, impl);
          AtomicReference<Thread> queued = new AtomicReference<>();
          Promise<Integer> second = call(sw, queued, () -> t.add(2));
          awaitParkedIn(queued, "Call"); // posted: the mailbox is full now
          MailboxFullException full = assertThrows(MailboxFullException.class, () -> t.add(100));
          assertEquals(
              "mailbox of actor '" + Tally.class.getName() + "' is full (capacity 1)", full.getMessage());
          impl.release.countDown();
          held.await();
          assertEquals(2, second.await());
          assertEquals(2, t.total(), "the refused call ran");
        });
  }

  @Test
  void aFullWaitMailboxHoldsTheCallerBackAndCancellingItThenPostsNothing() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.bounded(1, Mailbox.WhenFull.WAIT),
        impl,
        (sw, actor, t) -> {
          Promise<Object> held = holding(sw, t, impl);
          AtomicReference<Thread> queued = new AtomicReference<>();
          Promise<Integer> second = call(sw, queued, () -> t.add(2));
          awaitParkedIn(queued, "Call");
          // The third caller waits for room (backpressure), not for a reply.
          AtomicReference<Thread> waiting = new AtomicReference<>();
          AtomicReference<Cancel.Context> waitingCtx = new AtomicReference<>();
          Promise<Object> third =
              cancellable(sw, waiting, waitingCtx, () -> t.add(100));
          awaitParkedIn(waiting, "MailboxQueue");
          // A fourth, with room for it later: it waits too, then runs.
          AtomicReference<Thread> later = new AtomicReference<>();
          Promise<Integer> fourth = call(sw, later, () -> t.add(3));
          awaitParkedIn(later, "MailboxQueue");
          waitingCtx.get().cancel(new RuntimeException("caller gave up"));
          Cancelled c = assertThrows(Cancelled.class, third::await);
          assertEquals("caller gave up", c.reason().getMessage());
          impl.release.countDown();
          held.await();
          assertEquals(2, second.await());
          assertEquals(5, fourth.await());
          assertEquals(5, t.total(), "the call cancelled while waiting for room ran");
        });
  }

  @Test
  void aQueuedCallWhoseCallerGaveUpNeverRunsAndTheCallerDoesNotWaitForTheActor() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.unbounded(),
        impl,
        (sw, actor, t) -> {
          Promise<Object> held = holding(sw, t, impl);
          // Cancelled while queued.
          AtomicReference<Thread> queued = new AtomicReference<>();
          AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
          Promise<Object> cancelled =
              cancellable(sw, queued, ctx, () -> t.add(100));
          awaitParkedIn(queued, "Call");
          ctx.get().cancel(new RuntimeException("caller gave up"));
          assertThrows(Cancelled.class, cancelled::await);
          // Past its deadline while queued.
          Tally quick = actor.client(Duration.ofMillis(50));
          Timeout timeout = assertThrows(Timeout.class, () -> quick.add(1000));
          assertEquals(Duration.ofMillis(50), timeout.duration());
          assertEquals(1, impl.calls.get(), "only hold ran: the callers returned before the actor was free");
          impl.release.countDown();
          held.await();
          assertEquals(0, t.total(), "a call ran after its caller gave up");
          assertEquals(0, impl.overlaps.get());
        });
  }

  @Test
  void aRunningCallIsCancelledAloneAndItsCallerReturnsOnceItStopped() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.unbounded(),
        impl,
        (sw, actor, t) -> {
          AtomicReference<Cancel.Context> ctx = new AtomicReference<>();
          Promise<Object> running =
              sw.forkPromise(() -> Cancel.subCall(c -> { ctx.set(c); t.hold(); return null; }));
          impl.holding.await();
          ctx.get().cancel(new RuntimeException("caller gave up"));
          assertThrows(Cancelled.class, running::await);
          assertEquals(1, impl.stops.get(), "the caller returned before the method had stopped");
          assertEquals(7, t.add(7), "the actor stopped serving after a call was cancelled");
          // A deadline does the same: Timeout, once the method has stopped.
          impl.holding = new CountDownLatch(1);
          // (Under load the deadline may pass before the actor took the call: then it never ran.)
          Timeout timeout = assertThrows(Timeout.class, () -> actor.client(Duration.ofMillis(300)).hold());
          assertEquals(Duration.ofMillis(300), timeout.duration());
          assertEquals(impl.holds.get(), impl.stops.get(), "the caller returned before the method had stopped");
          assertTrue(actor.ref().isAlive());
          assertEquals(8, t.add(1));
        });
  }

  @Test
  void whenItsSwitchEndsTheActorFailsEveryWaitingAndLaterCaller() {
    PlainTally impl = new PlainTally();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  CountDownLatch stop = new CountDownLatch(1);
                  AtomicReference<RpcActor<Tally>> made = new AtomicReference<>();
                  ownedUntil(sw, stop, owner -> made.set(Rpc.actor(owner, Tally.class, Mailbox.unbounded(), impl)));
                  RpcActor<Tally> actor = made.get();
                  Tally t = actor.client();
                  Promise<Object> running = holding(sw, t, impl);
                  AtomicReference<Thread> queued = new AtomicReference<>();
                  Promise<Integer> waiting = call(sw, queued, () -> t.add(1));
                  awaitParkedIn(queued, "Call");
                  stop.countDown(); // the owning switch ends: its actor is cancelled
                  ActorExitException e1 = assertThrows(ActorExitException.class, running::await);
                  ActorExitException e2 = assertThrows(ActorExitException.class, waiting::await);
                  assertInstanceOf(ExitReason.Cancelled.class, e2.reason());
                  assertTrue(
                      e1.getMessage().contains("actor '" + Tally.class.getName() + "' serving " + Tally.class.getName() + " stopped"),
                      e1.getMessage());
                  assertSame(actor.ref(), e2.from());
                  assertEquals(1, impl.stops.get(), "the running method did not stop with its actor");
                  ActorExitException later = assertThrows(ActorExitException.class, t::total);
                  assertInstanceOf(ExitReason.Cancelled.class, later.reason());
                  assertEquals(1, impl.calls.get(), "a call ran on a stopping actor");
                }));
  }

  @Test
  void anActorKilledByALinkFailsItsWaitingCallersWithTheLinkedFailure() {
    PlainTally impl = new PlainTally();
    withActor(
        Mailbox.unbounded(),
        impl,
        (sw, actor, t) -> {
          Promise<Object> running = holding(sw, t, impl);
          CountDownLatch fire = new CountDownLatch(1);
          Actors.spawn(
              sw,
              "bomb",
              Mailbox.unbounded(),
              ctx -> {
                ctx.link(actor.ref());
                fire.await();
                throw new IllegalStateException("bomb");
              });
          fire.countDown();
          ActorExitException e = assertThrows(ActorExitException.class, running::await);
          ExitReason.Failed failed = assertInstanceOf(ExitReason.Failed.class, e.reason());
          ActorExitException linked = assertInstanceOf(ActorExitException.class, failed.failure());
          assertEquals("bomb", linked.getCause().getMessage());
          assertThrows(ActorExitException.class, t::total);
        });
  }

  @Test
  void badArgumentsAreRefusedNamingThem() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  assertThrows(
                      IllegalArgumentException.class,
                      () -> Rpc.actor(sw, PlainTally.class, Mailbox.unbounded(), new PlainTally()));
                  NullPointerException npe =
                      assertThrows(
                          NullPointerException.class,
                          () -> Rpc.actor(sw, Tally.class, null, new PlainTally()));
                  assertEquals("mailbox", npe.getMessage());
                  RpcActor<Tally> actor = Rpc.actor(sw, Tally.class, Mailbox.unbounded(), new PlainTally());
                  assertThrows(IllegalArgumentException.class, () -> actor.client(Duration.ZERO));
                }));
  }
}
