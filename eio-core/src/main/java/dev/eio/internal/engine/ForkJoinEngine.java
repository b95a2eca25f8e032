package dev.eio.internal.engine;

import dev.eio.internal.CancelContext;
import dev.eio.internal.ContextPropagation;
import dev.eio.internal.Failures;
import dev.eio.internal.FiberState;
import java.util.concurrent.Callable;
import java.util.concurrent.RecursiveAction;

/**
 * The combinator engine inside a domain section: each task of a group is a fork/join task on the
 * domain pool instead of a fiber, so recursive divide-and-conquer code ({@code Fiber.both} calling
 * itself) spreads over every domain by work stealing, and a joining worker runs queued tasks
 * instead of parking.
 *
 * <p>Failure and race rules are {@link Group}'s, as in the other engines. Each task runs with a
 * {@link FiberState} of its own in a child context of the caller's, so {@code Fiber.check()} and
 * cancellation (interrupting the worker thread) reach it; a worker that runs a task nested inside
 * another one (while joining) gets the outer task's interrupt status back afterwards.
 */
public final class ForkJoinEngine implements Engine {
  public static final ForkJoinEngine INSTANCE = new ForkJoinEngine();

  private ForkJoinEngine() {}

  @Override
  public String name() {
    return "fork-join";
  }

  @Override
  public Group.Outcome run(String label, Callable<?>[] tasks, boolean race) {
    FiberState caller = FiberState.current();
    CancelContext ctx = caller.ctx().child(false, label);
    Group g = Group.open(ctx, new Failures(), tasks, race);
    int n = tasks.length;
    Sub[] subs = new Sub[n];
    try {
      for (int i = n - 1; i >= 1; i--) {
        subs[i] = new Sub(g, i, ctx, caller);
        subs[i].fork();
      }
      // The caller runs the first task itself, as Eio does, in the group's context.
      CancelContext outer = caller.enter(ctx);
      try {
        g.runTask(0);
      } finally {
        caller.enter(outer);
      }
      // Join in reverse fork order: the most recent fork is on top of our own queue.
      for (int i = 1; i < n; i++) {
        subs[i].join();
      }
    } finally {
      ctx.detach();
    }
    return g.outcome();
  }

  /** Runs {@code body} as a fiber of {@code ctx} on the calling pool thread, then restores it. */
  public static void runAsFiber(CancelContext ctx, FiberState parent, Runnable body) {
    FiberState outer = FiberState.current();
    FiberState f = FiberState.create(Thread.currentThread(), ctx, parent);
    try {
      FiberState.runAs(
          f,
              () -> {
                f.attach();
                try {
                  body.run();
                } finally {
                  // Move out of ctx before leaving: once the fiber's context is no longer ctx, a
                  // cancellation of ctx racing with the end of the task cannot interrupt this
                  // pool thread, which goes on to run unrelated tasks.
                  CancelContext spent = ctx.child(true, "ended domain task");
                  f.enter(spent);
                  f.detach();
                  spent.detach();
                }
              });
    } finally {
      restoreInterrupt(outer);
    }
  }

  /**
   * Leaves the interrupt status of a pool thread as {@code outer} (the task it was running before,
   * or {@code null}) needs it: set only when that task's context is cancelled. The inner fiber has
   * left its context, so no cancellation meant for it can set the flag after this check.
   */
  static void restoreInterrupt(FiberState outer) {
    Thread.interrupted();
    if (outer != null && outer.ctx().isCancelled()) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Sub extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Group g;
    private final int index;
    private final transient CancelContext ctx;
    private final transient FiberState parent;
    private final transient Object context; // the forker's ThreadLocal context, if registered

    Sub(Group g, int index, CancelContext ctx, FiberState parent) {
      this.g = g;
      this.index = index;
      this.ctx = ctx;
      this.parent = parent;
      this.context = ContextPropagation.capture();
    }

    @Override
    protected void compute() {
      if (FiberState.current() == parent) {
        // Most forks are run by the forking thread itself, popped back while it joins: the
        // forking fiber simply steps into the group's context, as it does for the first task.
        CancelContext outer = parent.enter(ctx);
        try {
          g.runTask(index);
        } finally {
          parent.enter(outer);
        }
        return;
      }
      AutoCloseable restored = ContextPropagation.restore(context);
      try {
        runAsFiber(ctx, parent, () -> g.runTask(index));
      } finally {
        ContextPropagation.close(restored);
      }
    }
  }
}
