package dev.eio.internal.engine;

import dev.eio.internal.CancelContext;
import dev.eio.internal.ContextPropagation;
import dev.eio.internal.Failures;
import dev.eio.internal.FiberMonitor;
import dev.eio.internal.FiberState;
import dev.eio.internal.Stats;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The combinator engine used when the JVM runs with {@code --enable-preview}: each group is a
 * {@link StructuredTaskScope}, so thread dumps show the tree and {@link ScopedValue} bindings
 * reach the group's fibers. Failure and race rules are eio's own ({@link Group}); the scope only
 * owns the threads.
 *
 * <p>This is the only class compiled with preview features (see docs/adr/0002); {@link Engines}
 * loads it reflectively and falls back to the switch engine when it cannot be loaded.
 */
final class StsEngine implements Engine {
  private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();

  @Override
  public String name() {
    return "structured-task-scope";
  }

  @Override
  public Group.Outcome run(String label, Callable<?>[] tasks, boolean race) {
    FiberState caller = FiberState.current();
    CancelContext ctx = caller.ctx().child(false, label);
    Group g = Group.open(ctx, new Failures(), tasks, race);
    AtomicInteger seq = new AtomicInteger();
    Object context = ContextPropagation.capture();
    ThreadFactory named =
        r -> {
          Thread t = VIRTUAL.newThread(r);
          t.setName(label + "/" + seq.incrementAndGet());
          FiberMonitor m = caller.monitor();
          if (m != null) {
            m.starting(t);
          }
          return t;
        };
    CountDownLatch ended = new CountDownLatch(tasks.length);
    boolean interrupted = false;
    try (var scope =
        StructuredTaskScope.open(
            StructuredTaskScope.Joiner.<Object>awaitAll(),
            cf -> cf.withThreadFactory(named).withName(label))) {
      Stats.FIBERS_STARTED.add(tasks.length);
      for (int i = 0; i < tasks.length; i++) {
        int k = i;
        scope.fork(
            () -> {
              try {
                FiberState f = FiberState.create(Thread.currentThread(), ctx, caller);
                FiberState.runAs(
                    f,
                    () -> {
                      AutoCloseable restored = ContextPropagation.restore(context);
                      f.attach();
                      try {
                        g.runTask(k);
                      } finally {
                        f.detach();
                        ContextPropagation.close(restored);
                      }
                    });
              } finally {
                ended.countDown();
              }
            });
      }
      try {
        scope.join();
      } catch (InterruptedException e) {
        interrupted = true;
        Throwable reason = caller.ctx().reason();
        ctx.cancel(reason != null ? reason : new dev.eio.Cancelled(e));
        // The scope's close interrupts every thread still running: wait for the subtasks to end
        // by eio's cancellation first, which may not be an interrupt (FiberState.callCancelledBy).
        awaitUninterruptibly(ended);
      }
    } finally {
      ctx.detach();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return g.outcome();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException again) {
        // Already cancelled: the caller's interrupt status is restored by run.
      }
    }
  }
}
