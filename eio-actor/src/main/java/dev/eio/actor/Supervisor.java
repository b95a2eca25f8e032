package dev.eio.actor;

import dev.eio.Switch;
import dev.eio.internal.actor.ActorCell;
import dev.eio.internal.actor.SupervisorCore;
import java.time.Duration;

/**
 * Restarts failed actors: a child that throws runs its behaviour again from the start, with the
 * same reference and the same mailbox, until the children fail more than {@code maxRestarts}
 * times within {@code period}; then the supervisor gives up and escalates: it cancels its other
 * children and fails the switch with a {@link SupervisorGaveUpException}.
 *
 * <p><b>Guarantees.</b> A restart never loses the messages waiting in the mailbox (the one being
 * handled when the child failed is gone). {@link Strategy#ONE_FOR_ONE} restarts only the failed
 * child; {@link Strategy#ONE_FOR_ALL} stops every running child and starts any of them again
 * only once all have stopped. A child that returns or is cancelled is not restarted. Failures of
 * children never fail the switch on their own: the supervisor hears of them.
 *
 * <pre>{@code
 * Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5));
 * ActorRef<Job> worker = sup.spawn("worker", Mailbox.unbounded(), Worker::run);
 * }</pre>
 */
public final class Supervisor {
  /** Which children restart when one fails. */
  public enum Strategy {
    /** Only the failed child. */
    ONE_FOR_ONE,
    /** Every running child: they are stopped first, then all start again. */
    ONE_FOR_ALL
  }

  private final Switch sw;
  private final SupervisorCore core;

  private Supervisor(Switch sw, SupervisorCore core) {
    this.sw = sw;
    this.core = core;
  }

  /**
   * A supervisor whose children live in {@code sw}.
   *
   * @param maxRestarts restarts allowed within any {@code period} (0: give up at the first
   *     failure)
   * @throws IllegalArgumentException when {@code maxRestarts} is negative or {@code period} is
   *     not positive
   */
  public static Supervisor start(
      Switch sw, Strategy strategy, int maxRestarts, Duration period) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (strategy == null) {
      throw new NullPointerException("strategy");
    }
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must be 0 or more, was " + maxRestarts);
    }
    if (period == null || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
    String limit = maxRestarts + " restarts in " + period;
    return new Supervisor(
        sw,
        new SupervisorCore(
            sw,
            strategy == Strategy.ONE_FOR_ALL,
            maxRestarts,
            period,
            last -> new SupervisorGaveUpException(
                "supervisor gave up: its children failed more than " + limit, last)));
  }

  /**
   * Starts a child actor in the supervisor's switch ({@link Actors#spawn}).
   *
   * @throws IllegalStateException when the supervisor has given up
   */
  public <M> ActorRef<M> spawn(String name, Mailbox mailbox, Behavior<M> behavior) {
    return ActorCell.spawn(sw, name, mailbox, behavior, core, null);
  }

  /** How many restarts the supervisor has made. */
  public long restarts() {
    return core.restarts();
  }

  /** Whether it gave up (and failed its switch). */
  public boolean hasGivenUp() {
    return core.hasGivenUp();
  }
}
