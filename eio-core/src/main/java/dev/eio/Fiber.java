package dev.eio;

import dev.eio.internal.FiberState;
import dev.eio.internal.Interrupts;
import dev.eio.internal.engine.Engine;
import dev.eio.internal.engine.Engines;
import dev.eio.internal.engine.Group;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BinaryOperator;

/**
 * Operations on fibers: the combinators that run work concurrently and join it ({@link #both},
 * {@link #all}, {@link #first}, {@link #map}...), cancellation points ({@link #check}, {@link
 * #yield}, {@link #awaitCancel}) and fiber-local values ({@link Key}).
 *
 * <p>A fiber is a virtual thread started by a {@link Switch} or a combinator. Every combinator
 * returns only when all the fibers it started have ended, and follows the switch's failure rules:
 * the first real failure cancels the others and is rethrown as the same object, later failures
 * are attached as suppressed, {@link Cancelled} is dropped when a real failure exists, checked
 * exceptions are wrapped once in {@link WrappedCheckedException}. Cancelling the caller cancels
 * them all.
 *
 * <p><b>Start policy.</b> A task whose group is already cancelled when its fiber would start
 * (the caller was cancelled, or a sibling failed or won the race first) is skipped: it never
 * runs, and counts as cancelled. This is the rule of {@link Switch#fork} and of Eio's {@code
 * Fiber.both}/{@code all} and kotlinx.coroutines; Eio's {@code first}/{@code any} instead start
 * every function and let it see the cancellation. A task that must run to release what it was
 * handed (a connection, a permit) should not rely on starting: give the resource to a switch
 * ({@link Switch#onRelease}) instead. {@link #map}, {@link #filter} and {@link #forEach} pull
 * items from one queue, so items not yet taken when the group is cancelled are not processed.
 *
 * <p>When the JVM runs with {@code --enable-preview} the combinators run on {@code
 * StructuredTaskScope} (thread dumps then show the tree, {@link ScopedValue} bindings are
 * inherited); otherwise on switches. Both give the same results.
 *
 * <pre>{@code
 * var pair = Fiber.pair(() -> fetchUser(id), () -> fetchOrders(id));
 * String fastest = Fiber.first(() -> mirrorA(), () -> mirrorB());
 * List<Integer> sizes = Fiber.map(urls, 8, url -> download(url).length);
 * }</pre>
 */
public final class Fiber {
  private Fiber() {}

  /**
   * Two values computed side by side by {@link #pair}.
   *
   * @param first the first task's value
   * @param second the second task's value
   */
  public record Pair<A, B>(A first, B second) {}

  /**
   * A fiber-local value: bound with {@link #withBinding} for the duration of a call, read with
   * {@link #get}, and inherited by every fiber forked while it is bound.
   *
   * <p>Unlike a {@link ThreadLocal} it cannot be changed in place, so a child never sees its
   * parent's later changes and never leaks its own to siblings.
   *
   * @param <T> the type of the value
   */
  public static final class Key<T> {
    private final String name;

    /** Creates a key; {@code name} appears in {@link #toString()} only. */
    public Key(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return "Fiber.Key[" + name + "]";
    }
  }

  // ---------------------------------------------------------------- cancellation points

  /**
   * Lets other virtual threads run, and is a cancellation point.
   *
   * <p>Do not wait for an event by calling this in a loop: wait on a {@link Promise}, a {@link
   * Channel} or a {@link Condition} instead. On JDK 25 with a single carrier thread (a one-CPU
   * machine or container, or {@code -Djdk.virtualThreadScheduler.parallelism=1}) the scheduler
   * runs a yielding fiber again ahead of a fiber that a platform thread has woken (a timer, a
   * process or pipe reader), so a loop that yields until that fiber acts can spin forever.
   *
   * @throws Cancelled when the calling fiber is cancelled
   */
  public static void yield() {
    Interrupts.check();
    Thread.yield();
    Interrupts.check();
  }

  /**
   * Throws when the calling fiber is cancelled; use it in long computations that never block.
   *
   * @throws Cancelled when the calling fiber's context is cancelled
   */
  public static void check() {
    Interrupts.check();
  }

  /** Whether the calling fiber's context is cancelled (or the plain thread interrupted). */
  public static boolean isCancelled() {
    FiberState f = FiberState.current();
    return f != null ? f.ctx().isCancelled() : Thread.currentThread().isInterrupted();
  }

  /**
   * Blocks until the calling fiber is cancelled, then throws.
   *
   * @throws Cancelled always, once the fiber is cancelled
   */
  public static void awaitCancel() {
    while (true) {
      Interrupts.check();
      LockSupport.park();
      if (Thread.interrupted()) {
        throw Interrupts.cancelledByInterrupt(null);
      }
    }
  }

  // ---------------------------------------------------------------- fiber-local values

  /** The value bound to {@code key} in the calling fiber, if any. */
  public static <T> Optional<T> get(Key<T> key) {
    Objects.requireNonNull(key, "key");
    FiberState f = FiberState.current();
    Object[] vars = f == null ? null : f.vars();
    if (vars != null) {
      for (int i = 0; i < vars.length; i += 2) {
        if (vars[i] == key) {
          @SuppressWarnings("unchecked")
          T v = (T) vars[i + 1];
          return Optional.ofNullable(v);
        }
      }
    }
    return Optional.empty();
  }

  /** Runs {@code body} with {@code key} bound to {@code value} and returns its result. */
  public static <K, T> T withBinding(Key<K> key, K value, Callable<T> body) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(body, "body");
    return RootFiber.inFiber(
        f -> {
          Object[] saved = f.vars();
          f.setVars(bind(saved, key, value));
          try {
            return body.call();
          } finally {
            f.setVars(saved);
          }
        });
  }

  /** Runs {@code body} with {@code key} bound to {@code value}. */
  public static <K> void withBinding(Key<K> key, K value, Task body) {
    Objects.requireNonNull(body, "body");
    withBinding(
        key,
        value,
        () -> {
          body.run();
          return null;
        });
  }

  private static Object[] bind(Object[] vars, Key<?> key, Object value) {
    if (vars != null) {
      for (int i = 0; i < vars.length; i += 2) {
        if (vars[i] == key) {
          Object[] copy = vars.clone();
          copy[i + 1] = value;
          return copy;
        }
      }
    }
    int n = vars == null ? 0 : vars.length;
    Object[] copy = vars == null ? new Object[2] : Arrays.copyOf(vars, n + 2);
    copy[n] = key;
    copy[n + 1] = value;
    return copy;
  }

  // ---------------------------------------------------------------- combinators

  private static Group.Outcome run(String label, Callable<?>[] tasks, boolean race) {
    for (int i = 0; i < tasks.length; i++) {
      if (tasks[i] == null) {
        throw new NullPointerException("task " + i + " is null");
      }
    }
    if (tasks.length == 0) {
      return new Group.Outcome(new Object[0], new int[0], 0);
    }
    Engine engine = Engines.current(SwitchEngine.INSTANCE);
    return RootFiber.inFiber(f -> engine.run(label, tasks, race));
  }

  private static Callable<Object> callable(Task t) {
    Objects.requireNonNull(t, "task");
    return () -> {
      t.run();
      return null;
    };
  }

  /** Runs {@code a} and {@code b} concurrently and returns when both have finished. */
  public static void both(Task a, Task b) {
    run("both", new Callable<?>[] {callable(a), callable(b)}, false);
  }

  /** Runs {@code a} and {@code b} concurrently and returns both values. */
  @SuppressWarnings("unchecked")
  public static <A, B> Pair<A, B> pair(Callable<? extends A> a, Callable<? extends B> b) {
    Object[] v = run("pair", new Callable<?>[] {a, b}, false).values();
    return new Pair<>((A) v[0], (B) v[1]);
  }

  /** Runs every task concurrently and returns when all have finished. */
  public static void all(Task... tasks) {
    all(Arrays.asList(tasks));
  }

  /** Runs every task concurrently and returns when all have finished. */
  public static void all(List<? extends Task> tasks) {
    Callable<?>[] cs = new Callable<?>[tasks.size()];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = callable(tasks.get(i));
    }
    run("all", cs, false);
  }

  /**
   * Runs {@code a} and {@code b} concurrently and returns the value of the first to succeed; the
   * other is cancelled. A real failure of either is rethrown. When both succeed (the loser
   * finished before its cancellation took effect), {@code a}'s value is returned, as in Eio.
   */
  public static <T> T first(Callable<? extends T> a, Callable<? extends T> b) {
    return first(a, b, (x, y) -> x);
  }

  /**
   * Like {@link #first(Callable, Callable)}; when both succeed (the loser finished before its
   * cancellation took effect), returns {@code combine(valueOfA, valueOfB)}.
   */
  public static <T> T first(
      Callable<? extends T> a, Callable<? extends T> b, BinaryOperator<T> combine) {
    Group.Outcome o = run("first", new Callable<?>[] {a, b}, true);
    return pick(o, combine);
  }

  /** Runs every task concurrently and returns the first value; the others are cancelled. */
  public static <T> T any(List<? extends Callable<? extends T>> tasks) {
    return any(tasks, null);
  }

  /**
   * Like {@link #any(List)}; when several succeed, their values are combined in the order they
   * succeeded.
   */
  public static <T> T any(
      List<? extends Callable<? extends T>> tasks, BinaryOperator<T> combine) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks is empty: any needs at least one task");
    }
    return pick(run("any", tasks.toArray(new Callable<?>[0]), true), combine);
  }

  /**
   * Runs every task concurrently; the first success cancels the others. Returns the values of all
   * that succeeded (more than one when several finished before being cancelled), in the order
   * they succeeded.
   */
  @SuppressWarnings("unchecked")
  public static <T> List<T> nAny(List<? extends Callable<? extends T>> tasks) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks is empty: nAny needs at least one task");
    }
    Group.Outcome o = run("nAny", tasks.toArray(new Callable<?>[0]), true);
    List<T> out = new ArrayList<>(o.succeeded());
    for (int k = 0; k < o.succeeded(); k++) {
      out.add((T) o.values()[o.order()[k]]);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> T pick(Group.Outcome o, BinaryOperator<T> combine) {
    Object[] v = o.values();
    if (o.succeeded() == 0) {
      throw new Cancelled("no task succeeded");
    }
    T result = (T) v[o.order()[0]];
    if (combine != null) {
      if (v.length == 2 && o.succeeded() == 2) {
        return combine.apply((T) v[0], (T) v[1]);
      }
      for (int k = 1; k < o.succeeded(); k++) {
        result = combine.apply(result, (T) v[o.order()[k]]);
      }
    }
    return result;
  }

  /**
   * Applies {@code fn} to every item, at most {@code maxFibers} at a time, and returns the
   * results in input order. The first failure cancels the rest and is rethrown; {@code fn} may
   * throw checked exceptions (wrapped once in {@link WrappedCheckedException}).
   *
   * @throws IllegalArgumentException when {@code maxFibers < 1}
   */
  @SuppressWarnings("unchecked")
  public static <A, B> List<B> map(
      List<? extends A> items, int maxFibers, CheckedFunction<? super A, ? extends B> fn) {
    Objects.requireNonNull(fn, "fn");
    Object[] out = new Object[items.size()];
    eachIndex(
        "map",
        items,
        maxFibers,
        i -> out[i] = fn.apply(items.get(i)));
    return (List<B>) Collections.unmodifiableList(Arrays.asList(out));
  }

  /**
   * Keeps the items {@code pred} accepts, testing at most {@code maxFibers} at a time, in input
   * order.
   *
   * @throws IllegalArgumentException when {@code maxFibers < 1}
   */
  public static <A> List<A> filter(
      List<? extends A> items, int maxFibers, CheckedPredicate<? super A> pred) {
    Objects.requireNonNull(pred, "pred");
    boolean[] keep = new boolean[items.size()];
    eachIndex("filter", items, maxFibers, i -> keep[i] = pred.test(items.get(i)));
    List<A> out = new ArrayList<>();
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        out.add(items.get(i));
      }
    }
    return out;
  }

  /**
   * Runs {@code fn} on every item, at most {@code maxFibers} at a time.
   *
   * @throws IllegalArgumentException when {@code maxFibers < 1}
   */
  public static <A> void forEach(
      List<? extends A> items, int maxFibers, CheckedConsumer<? super A> fn) {
    Objects.requireNonNull(fn, "fn");
    eachIndex("forEach", items, maxFibers, i -> fn.accept(items.get(i)));
  }

  private interface IndexFn {
    void apply(int i) throws Exception;
  }

  /** Runs {@code fn(i)} for each index on {@code min(maxFibers, n)} fibers pulling indices. */
  private static void eachIndex(String label, List<?> items, int maxFibers, IndexFn fn) {
    Objects.requireNonNull(items, "items");
    if (maxFibers < 1) {
      throw new IllegalArgumentException("maxFibers must be at least 1, got " + maxFibers);
    }
    int n = items.size();
    if (n == 0) {
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Callable<?>[] workers = new Callable<?>[Math.min(maxFibers, n)];
    Arrays.fill(
        workers,
        (Callable<Object>)
            () -> {
              for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                Fiber.check();
                fn.apply(i);
              }
              return null;
            });
    run(label, workers, false);
  }
}
