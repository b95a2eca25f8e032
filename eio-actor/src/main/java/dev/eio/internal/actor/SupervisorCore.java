package dev.eio.internal.actor;

import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.actor.ExitReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The restart logic of a supervisor, run by its children's own fibers when one of them stops:
 * no supervisor fiber, so a supervisor costs nothing while its children run.
 *
 * <p>One-for-all restarts are rounds: the failing child stops every other running child with a
 * restart signal, and none starts again before all of them have stopped (so a restarted child
 * never meets a sibling from before the failure). A failure during a round joins it.
 */
public final class SupervisorCore {
  private final Switch sw;
  private final boolean oneForAll;
  private final int maxRestarts;
  private final long periodNanos;
  private final Function<Throwable, RuntimeException> gaveUp;
  // Guarded by this.
  private final List<ActorCell<?>> children = new ArrayList<>();
  private final ArrayDeque<Long> recent = new ArrayDeque<>();
  private long restarts;
  private boolean givenUp;
  private Round round;

  private static final class Round {
    final List<ActorCell<?>> waitingFor = new ArrayList<>();
    final Promise<Void> go = Promise.create();
  }

  public SupervisorCore(
      Switch sw, boolean oneForAll, int maxRestarts, Duration period,
      Function<Throwable, RuntimeException> gaveUp) {
    this.sw = sw;
    this.oneForAll = oneForAll;
    this.maxRestarts = maxRestarts;
    this.periodNanos = period.toNanos();
    this.gaveUp = gaveUp;
  }

  synchronized void add(ActorCell<?> child) {
    if (givenUp) {
      throw new IllegalStateException("the supervisor has given up: it starts no new children");
    }
    children.add(child);
    child.running = true;
  }

  /** Restarts done so far. */
  public synchronized long restarts() {
    return restarts;
  }

  /** Whether the supervisor gave up. */
  public synchronized boolean hasGivenUp() {
    return givenUp;
  }

  /** A child stopped for good (normally or cancelled). */
  void ended(ActorCell<?> child) {
    Promise<Void> release = null;
    synchronized (this) {
      children.remove(child);
      child.running = false;
      if (round != null && round.waitingFor.remove(child) && round.waitingFor.isEmpty()) {
        release = round.go;
        round = null;
      }
    }
    if (release != null) {
      release.resolve(null);
    }
  }

  /**
   * A child failed ({@code failure} non-null) or was stopped for a one-for-all round: decides
   * whether it runs again, waiting for the round when there is one.
   *
   * @return whether the child restarts; false once the supervisor has given up
   */
  boolean restartAfter(ActorCell<?> child, ExitReason.Failed failure) {
    Promise<Void> go;
    Promise<Void> release = null;
    List<ActorCell<?>> stop = List.of();
    RuntimeException escalate = null;
    synchronized (this) {
      if (givenUp) {
        children.remove(child);
        child.running = false;
        return false;
      }
      if (failure != null) {
        long now = System.nanoTime();
        while (!recent.isEmpty() && now - recent.peekFirst() > periodNanos) {
          recent.pollFirst();
        }
        if (recent.size() >= maxRestarts) {
          givenUp = true;
          escalate = gaveUp.apply(failure.failure());
          children.remove(child);
          child.running = false;
          stop = new ArrayList<>(children);
          if (round != null) {
            release = round.go;
            round = null;
          }
        } else {
          recent.addLast(now);
          restarts++;
          if (oneForAll && round == null) {
            round = new Round();
            for (ActorCell<?> c : children) {
              if (c != child && c.running) {
                round.waitingFor.add(c);
              }
            }
            stop = new ArrayList<>(round.waitingFor);
          }
        }
      }
      if (escalate == null) {
        Round r = round;
        if (r != null) {
          r.waitingFor.remove(child);
          if (r.waitingFor.isEmpty()) {
            release = r.go;
            round = null;
          }
        }
        go = round == null ? null : r.go;
        child.running = true;
      } else {
        go = null;
      }
    }
    if (escalate != null) {
      for (ActorCell<?> c : stop) {
        c.kill(new ActorCell.GaveUp(escalate));
      }
      if (release != null) {
        release.resolve(null);
      }
      sw.fail(escalate);
      return false;
    }
    for (ActorCell<?> c : stop) {
      c.restartSignal();
    }
    if (release != null) {
      release.resolve(null);
    }
    if (go != null) {
      go.await();
    }
    synchronized (this) {
      return !givenUp;
    }
  }
}
