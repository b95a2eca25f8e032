package dev.eio.internal.engine;

import dev.eio.Cancelled;
import dev.eio.internal.CancelContext;
import dev.eio.internal.Failures;
import dev.eio.internal.Stats;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** The bookkeeping shared by the engines: results, success order, failures, and the race stop. */
public final class Group {
  /** Marks a task that did not succeed. */
  public static final Object NO_RESULT = new Object();

  /**
   * What a group produced.
   *
   * @param values per task, its value or {@link #NO_RESULT}
   * @param order indices of the tasks that succeeded, in the order they did
   * @param succeeded how many entries of {@code order} are set
   */
  public record Outcome(Object[] values, int[] order, int succeeded) {}

  final Callable<?>[] tasks;
  final Object[] values;
  final int[] order;
  final AtomicInteger succeeded = new AtomicInteger();
  final Failures failures;
  final CancelContext ctx;
  final boolean race;
  private final Cancelled stop;

  /**
   * A group of {@code tasks} whose fibers run in {@code ctx} and report to {@code failures}
   * (shared with the switch that hosts the group, so a fiber cancelled before it started counts
   * in the same place).
   */
  public static Group open(
      CancelContext ctx, Failures failures, Callable<?>[] tasks, boolean race) {
    return new Group(ctx, failures, tasks, race);
  }

  private Group(CancelContext ctx, Failures failures, Callable<?>[] tasks, boolean race) {
    this.ctx = ctx;
    this.failures = failures;
    this.tasks = tasks;
    this.race = race;
    this.values = new Object[tasks.length];
    Arrays.fill(values, NO_RESULT);
    this.order = new int[tasks.length];
    if (race) {
      stop = new Cancelled("race won");
      failures.ignore(stop);
    } else {
      stop = null;
    }
  }

  /** Runs task {@code i} on the calling fiber, recording its outcome; never throws. */
  public void runTask(int i) {
    try {
      ctx.check();
      Object v = tasks[i].call();
      values[i] = v;
      order[succeeded.getAndIncrement()] = i;
      if (race) {
        ctx.cancel(stop);
      }
    } catch (Throwable t) {
      if (!(t instanceof dev.eio.Cancelled) && !(t instanceof InterruptedException)) {
        Stats.FIBERS_FAILED.increment();
      }
      Throwable reason = failures.add(t, ctx);
      if (reason != null) {
        ctx.cancel(reason);
      }
    }
  }

  /** The outcome, once every task has ended; throws the group's failure by the rules. */
  public Outcome outcome() {
    failures.throwIfFailed();
    return new Outcome(values, order, succeeded.get());
  }

  /** A benign stop reason, without a stack trace. */
  private static final class Cancelled extends dev.eio.Cancelled {
    private static final long serialVersionUID = 1L;

    Cancelled(String what) {
      super(what);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
