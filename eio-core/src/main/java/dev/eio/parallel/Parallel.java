package dev.eio.parallel;

import dev.eio.Cancelled;
import dev.eio.CheckedBiFunction;
import dev.eio.CheckedConsumer;
import dev.eio.CheckedFunction;
import dev.eio.Fiber;
import dev.eio.Task;
import dev.eio.internal.OwnedTask;
import dev.eio.workers.SerializableBiFunction;
import dev.eio.workers.SerializableConsumer;
import dev.eio.workers.SerializableFunction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BinaryOperator;

/**
 * Parallel operations on the domains of a {@link DomainManager} (or on the domains, worker
 * processes or cluster members a {@link Where} names): map, fold and for-each over lists
 * and arrays ({@link #map}, {@link #mapIndexed}, {@link #forEach}, {@link #fold}, {@link
 * #mapFold}), a bounded-memory pipeline from an unbounded source ({@link #pipeline}), and a
 * master/worker computation whose master creates tasks as results come in ({@link #compute}).
 *
 * <p><b>Guarantees.</b> Every operation returns only once all the work it started has ended. The
 * list operations split the items as {@link ParallelOptions} says and keep the input order unless
 * asked not to. Fail fast: the first exception thrown by a function cancels the other workers and
 * is rethrown wrapped in an {@link ItemFailedException} that names the item (other failures are
 * attached as suppressed); {@link Cancelled} and {@link Error}s pass through unwrapped; the other
 * callbacks (init, finish, accumulators, combiners, consumer, master, the source) throw their own
 * exceptions as they are. Cancelling the caller cancels every worker and waits for them.
 * Everything the caller did before the call happens-before each function call; every function
 * call happens-before the operation returns.
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   DomainManager d = env.domains();
 *   List<Integer> lengths = Parallel.map(d, words, String::length);
 *   long total = Parallel.fold(d, numbers, 0L, (acc, x) -> acc + x, Long::sum);
 *   Parallel.pipeline(d, lines.iterator(), Parser::parse, System.out::println,
 *       PipelineOptions.defaults().withChunkSize(32));
 * });
 * }</pre>
 */
public final class Parallel {
  private Parallel() {}

  /** A function of an item and its index in the input. */
  @FunctionalInterface
  public interface IndexedFunction<A, B> {
    /** The result for {@code item}, found at {@code index}. */
    B apply(int index, A item) throws Exception;
  }

  /**
   * The master of {@link #compute}: runs in the calling fiber, sees each finished task with its
   * result and returns the tasks it creates in response (none to let the computation wind down).
   */
  @FunctionalInterface
  public interface Master<T, R> {
    /** Handles {@code result} of {@code task}; returns new tasks, possibly empty, not null. */
    Collection<? extends T> onResult(T task, R result);
  }

  // ---------------------------------------------------------------- map and friends

  /** Applies {@code fn} to every item on the domains; the results in input order. */
  public static <A, B> List<B> map(
      DomainManager domains, List<? extends A> items, CheckedFunction<? super A, ? extends B> fn) {
    return map(domains, items, ParallelOptions.defaults(), fn);
  }

  /** Applies {@code fn} to every item on the domains, split as {@code options} says. */
  public static <A, B> List<B> map(
      DomainManager domains,
      List<? extends A> items,
      ParallelOptions options,
      CheckedFunction<? super A, ? extends B> fn) {
    Objects.requireNonNull(fn, "fn");
    return mapIndexed(domains, items, options, (i, a) -> fn.apply(a));
  }

  /** Applies {@code fn} to every item of an array on the domains; the results in input order. */
  public static <A, B> List<B> map(
      DomainManager domains, A[] items, CheckedFunction<? super A, ? extends B> fn) {
    return map(domains, asList(items), ParallelOptions.defaults(), fn);
  }

  /** Applies {@code fn} to every item of an array, split as {@code options} says. */
  public static <A, B> List<B> map(
      DomainManager domains,
      A[] items,
      ParallelOptions options,
      CheckedFunction<? super A, ? extends B> fn) {
    return map(domains, asList(items), options, fn);
  }

  /** Applies {@code fn} to every item and its index on the domains; results in input order. */
  public static <A, B> List<B> mapIndexed(
      DomainManager domains, List<? extends A> items, IndexedFunction<? super A, ? extends B> fn) {
    return mapIndexed(domains, items, ParallelOptions.defaults(), fn);
  }

  /** Applies {@code fn} to every item and its index, split as {@code options} says. */
  public static <A, B> List<B> mapIndexed(
      DomainManager domains,
      List<? extends A> items,
      ParallelOptions options,
      IndexedFunction<? super A, ? extends B> fn) {
    return mapIndexed(Where.domains(domains), items, options, fn, fn);
  }

  @SuppressWarnings("unchecked")
  private static <A, B> List<B> mapIndexed(
      Where where,
      List<? extends A> items,
      ParallelOptions options,
      IndexedFunction<? super A, ? extends B> fn,
      Object owner) {
    Objects.requireNonNull(fn, "fn");
    List<Object[]> parts =
        ranges(
            where,
            items,
            options,
            owner,
            (list, base, from, to) -> {
              Object[] out = new Object[to - from];
              for (int i = from; i < to; i++) {
                Fiber.check();
                A item = list.get(i);
                try {
                  out[i - from] = fn.apply(base + i, item);
                } catch (Exception e) {
                  throw itemFailed(base + i, item, e);
                }
              }
              return out;
            });
    int n = 0;
    for (Object[] p : parts) {
      n += p.length;
    }
    Object[] all = new Object[n];
    int k = 0;
    for (Object[] p : parts) {
      System.arraycopy(p, 0, all, k, p.length);
      k += p.length;
    }
    return (List<B>) Collections.unmodifiableList(Arrays.asList(all));
  }

  /** Applies {@code fn} to every item on the domains, for its effect. */
  public static <A> void forEach(
      DomainManager domains, List<? extends A> items, CheckedConsumer<? super A> fn) {
    forEach(domains, items, ParallelOptions.defaults(), fn);
  }

  /** Applies {@code fn} to every item on the domains, split as {@code options} says. */
  public static <A> void forEach(
      DomainManager domains,
      List<? extends A> items,
      ParallelOptions options,
      CheckedConsumer<? super A> fn) {
    forEach(Where.domains(domains), items, options, fn, fn);
  }

  private static <A> void forEach(
      Where where,
      List<? extends A> items,
      ParallelOptions options,
      CheckedConsumer<? super A> fn,
      Object owner) {
    Objects.requireNonNull(fn, "fn");
    ranges(
        where,
        items,
        options,
        owner,
        (list, base, from, to) -> {
          for (int i = from; i < to; i++) {
            Fiber.check();
            A item = list.get(i);
            try {
              fn.accept(item);
            } catch (Exception e) {
              throw itemFailed(base + i, item, e);
            }
          }
          return null;
        });
  }

  /** Applies {@code fn} to every item of an array on the domains, for its effect. */
  public static <A> void forEach(DomainManager domains, A[] items, CheckedConsumer<? super A> fn) {
    forEach(domains, asList(items), ParallelOptions.defaults(), fn);
  }

  /**
   * Folds the items on the domains: each segment or chunk is folded from {@code identity} with
   * {@code accumulate}, and the partial results are combined with {@code combine} in input order
   * (in completion order when {@code options} is unordered). {@code identity} must be neutral
   * for {@code combine}, which must be associative.
   */
  public static <A, R> R fold(
      DomainManager domains,
      List<? extends A> items,
      R identity,
      CheckedBiFunction<? super R, ? super A, ? extends R> accumulate,
      BinaryOperator<R> combine) {
    return fold(domains, items, ParallelOptions.defaults(), identity, accumulate, combine);
  }

  /** Folds the items, split as {@code options} says; see {@link #fold(DomainManager, List, Object, CheckedBiFunction, BinaryOperator)}. */
  public static <A, R> R fold(
      DomainManager domains,
      List<? extends A> items,
      ParallelOptions options,
      R identity,
      CheckedBiFunction<? super R, ? super A, ? extends R> accumulate,
      BinaryOperator<R> combine) {
    return fold(Where.domains(domains), items, options, identity, accumulate, combine, accumulate);
  }

  private static <A, R> R fold(
      Where where,
      List<? extends A> items,
      ParallelOptions options,
      R identity,
      CheckedBiFunction<? super R, ? super A, ? extends R> accumulate,
      BinaryOperator<R> combine,
      Object owner) {
    Objects.requireNonNull(accumulate, "accumulate");
    Objects.requireNonNull(combine, "combine");
    List<R> parts =
        ranges(
            where,
            items,
            options,
            owner,
            (list, base, from, to) -> {
              R acc = identity;
              for (int i = from; i < to; i++) {
                Fiber.check();
                A item = list.get(i);
                try {
                  acc = accumulate.apply(acc, item);
                } catch (Exception e) {
                  throw itemFailed(base + i, item, e);
                }
              }
              return acc;
            });
    R result = identity;
    for (R p : parts) {
      result = combine.apply(result, p);
    }
    return result;
  }

  /** Folds the items of an array on the domains, like the list version. */
  public static <A, R> R fold(
      DomainManager domains,
      A[] items,
      R identity,
      CheckedBiFunction<? super R, ? super A, ? extends R> accumulate,
      BinaryOperator<R> combine) {
    return fold(domains, asList(items), identity, accumulate, combine);
  }

  /**
   * Maps every item with {@code map} and reduces the results with {@code combine} from {@code
   * identity}, on the domains (map-reduce); {@code combine} must be associative with {@code
   * identity} neutral.
   */
  public static <A, B> B mapFold(
      DomainManager domains,
      List<? extends A> items,
      CheckedFunction<? super A, ? extends B> map,
      B identity,
      BinaryOperator<B> combine) {
    return mapFold(domains, items, ParallelOptions.defaults(), map, identity, combine);
  }

  /** Map-reduce split as {@code options} says; see {@link #mapFold(DomainManager, List, CheckedFunction, Object, BinaryOperator)}. */
  public static <A, B> B mapFold(
      DomainManager domains,
      List<? extends A> items,
      ParallelOptions options,
      CheckedFunction<? super A, ? extends B> map,
      B identity,
      BinaryOperator<B> combine) {
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(combine, "combine");
    return fold(
        domains, items, options, identity, (acc, a) -> combine.apply(acc, map.apply(a)), combine);
  }

  /** Map-reduce over an array, like the list version. */
  public static <A, B> B mapFold(
      DomainManager domains,
      A[] items,
      CheckedFunction<? super A, ? extends B> map,
      B identity,
      BinaryOperator<B> combine) {
    return mapFold(domains, asList(items), map, identity, combine);
  }

  // ---------------------------------------------------------------- on domains or on workers

  /**
   * Applies {@code fn} to every item on the domains or workers {@code where} names; the results in
   * input order. See {@link Where} for what running on workers asks of {@code fn} and the items.
   */
  public static <A, B> List<B> map(
      Where where, List<? extends A> items, SerializableFunction<? super A, ? extends B> fn) {
    return map(where, items, ParallelOptions.defaults(), fn);
  }

  /** Applies {@code fn} to every item where {@code where} says, split as {@code options} says. */
  public static <A, B> List<B> map(
      Where where,
      List<? extends A> items,
      ParallelOptions options,
      SerializableFunction<? super A, ? extends B> fn) {
    Objects.requireNonNull(fn, "fn");
    return mapIndexed(
        where, items, options, (IndexedFunction<A, B> & Serializable) (i, a) -> fn.apply(a), fn);
  }

  /** Applies {@code fn} to every item where {@code where} says, for its effect. */
  public static <A> void forEach(
      Where where, List<? extends A> items, SerializableConsumer<? super A> fn) {
    Objects.requireNonNull(fn, "fn");
    forEach(
        where, items, ParallelOptions.defaults(), (CheckedConsumer<A> & Serializable) fn::accept, fn);
  }

  /**
   * Folds the items where {@code where} says, like {@link #fold(DomainManager, List, Object,
   * CheckedBiFunction, BinaryOperator)}; {@code accumulate} runs where the items are, {@code combine}
   * in the caller.
   */
  public static <A, R> R fold(
      Where where,
      List<? extends A> items,
      R identity,
      SerializableBiFunction<? super R, ? super A, ? extends R> accumulate,
      BinaryOperator<R> combine) {
    Objects.requireNonNull(accumulate, "accumulate");
    return fold(
        where,
        items,
        ParallelOptions.defaults(),
        identity,
        (CheckedBiFunction<R, A, R> & Serializable) accumulate::apply,
        combine,
        accumulate);
  }

  private static <A> List<A> asList(A[] items) {
    return Arrays.asList(Objects.requireNonNull(items, "items"));
  }

  /** The exception to throw for {@code e} from a user function on one item: named, once. */
  static RuntimeException itemFailed(long index, Object item, Exception e) {
    if (e instanceof Cancelled c) {
      return c;
    }
    return new ItemFailedException(index, item, e);
  }

  /**
   * The work on items {@code from} (inclusive) to {@code to} of {@code items}, whose index 0 is
   * item {@code base} of the whole input. Serializable, so that on workers it travels with a copy
   * of its slice (and then the user function it captures must be serializable too).
   */
  private interface RangeFn<A, R> extends Serializable {
    R apply(List<? extends A> items, int base, int from, int to);
  }

  /**
   * Runs {@code fn} over the index ranges {@code options} asks for, on {@code min(parallelism, n)}
   * loops, and returns the per-range results in input order (or completion order when unordered
   * with a chunk size). On domains the loops are fork/join workers inside one domain section and
   * each range runs in place; on workers the loops are fibers of the caller, and each range goes
   * to the pool with a copy of its items, {@code owner}'s classes allowed in the reply.
   */
  @SuppressWarnings("unchecked")
  private static <A, R> List<R> ranges(
      Where where, List<? extends A> items, ParallelOptions options, Object owner, RangeFn<A, R> fn) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(options, "options");
    Where.Remote remote = where.remoteRunner();
    if (remote != null && (options.init() != null || options.finish() != null)) {
      throw new IllegalArgumentException(
          "options: init and finish run per domain and cannot run on workers or cluster members;"
              + " use the pool's init instead");
    }
    int n = items.size();
    if (n == 0) {
      return List.of();
    }
    int workers = Math.min(where.parallelism(), n);
    int chunk = options.chunkSize();
    // Without a chunk size, each worker owns one contiguous segment, cut into blocks so that a
    // worker that finishes early (its domain got more CPU, its items were cheaper) goes on with
    // the next blocks of the other segments: static splits lose badly on a shared machine.
    // A range sent to a worker JVM or a cluster member costs a round trip (about 0.5 ms of latency
    // and as much CPU on a 2-core machine, B9b), so a segment there is cut into 4 blocks, not 16:
    // with 16 items on 2 members, 16 one-item ranges spent a fifth of the machine on round trips.
    int blocksPerSegment = remote == null ? 16 : 4;
    int block = chunk != 0 ? chunk : Math.max(1, n / (workers * blocksPerSegment));
    int units = (int) (((long) n + block - 1) / block);
    int segments = chunk != 0 ? 1 : workers;
    AtomicIntegerArray cursor = new AtomicIntegerArray(segments);
    int[] segmentEnd = new int[segments];
    for (int s = 0; s < segments; s++) {
      cursor.set(s, (int) ((long) units * s / segments));
      segmentEnd[s] = (int) ((long) units * (s + 1) / segments);
    }
    Object[] results = new Object[units];
    int[] completion = new int[units];
    AtomicInteger completed = new AtomicInteger();
    List<Task> tasks = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      tasks.add(
          () -> {
            if (options.init() != null) {
              options.init().accept(worker);
            }
            Throwable failure = null;
            try {
              for (int k = 0; k < segments; k++) {
                int s = (worker + k) % segments;
                for (int u = cursor.getAndIncrement(s); u < segmentEnd[s]; u = cursor.getAndIncrement(s)) {
                  int from = (int) Math.min(n, (long) u * block);
                  int to = (int) Math.min(n, (long) from + block);
                  results[u] = remote == null ? fn.apply(items, 0, from, to) : onWorker(remote, items, from, to, fn, owner);
                  completion[completed.getAndIncrement()] = u;
                }
              }
            } catch (Throwable t) {
              failure = t;
              throw t;
            } finally {
              if (options.finish() != null) {
                try {
                  options.finish().accept(worker);
                } catch (Throwable t) {
                  if (failure == null) {
                    throw t;
                  }
                  failure.addSuppressed(t);
                }
              }
            }
          });
    }
    if (remote == null) {
      where.domainManager().run(() -> Fiber.all(tasks));
    } else {
      Fiber.all(tasks);
    }
    List<R> out = new ArrayList<>(units);
    boolean inCompletionOrder = chunk > 0 && !options.ordered();
    for (int k = 0; k < units; k++) {
      out.add((R) results[inCompletionOrder ? completion[k] : k]);
    }
    return out;
  }

  /** Runs {@code fn} on items {@code from..to} on {@code remote} (a worker or a member). */
  private static <A, R> R onWorker(
      Where.Remote remote, List<? extends A> items, int from, int to, RangeFn<A, R> fn, Object owner) {
    List<A> slice = new ArrayList<>(items.subList(from, to));
    return remote.run(
        new OwnedTask<>(() -> fn.apply(slice, from, 0, slice.size()), owner), owner.getClass());
  }

  // ---------------------------------------------------------------- pipeline and compute

  /**
   * Streams the items of {@code source} through {@code work} on the domains into {@code consumer},
   * which runs in the calling fiber; returns when the source is exhausted and every item consumed.
   * At most {@code options.maxInFlight()} items are pulled but not yet consumed at any time, so an
   * unbounded source is fine. For a generator, pass {@code Stream.generate(g).iterator()} or any
   * iterator whose {@code next} blocks; the source is only ever called from one fiber.
   *
   * @throws IllegalStateException when called from inside a section of {@code domains}
   * @throws ItemFailedException when {@code work} fails (the index counts items from the source)
   */
  public static <A, B> void pipeline(
      DomainManager domains,
      Iterator<? extends A> source,
      CheckedFunction<? super A, ? extends B> work,
      CheckedConsumer<? super B> consumer,
      PipelineOptions options) {
    Objects.requireNonNull(domains, "domains");
    Streaming.pipeline(Where.domains(domains), source, work, consumer, options, work);
  }

  /**
   * {@link #pipeline(DomainManager, Iterator, CheckedFunction, CheckedConsumer,
   * PipelineOptions)} where {@code
   * where} says: elsewhere than on domains each chunk of items travels with {@code work}, and the
   * default number of workers is {@code where.parallelism()}.
   */
  public static <A, B> void pipeline(
      Where where,
      Iterator<? extends A> source,
      SerializableFunction<? super A, ? extends B> work,
      CheckedConsumer<? super B> consumer,
      PipelineOptions options) {
    Objects.requireNonNull(work, "work");
    Streaming.pipeline(
        where, source, (CheckedFunction<A, B> & Serializable) work::apply, consumer, options, work);
  }

  /**
   * Master/worker computation: {@code worker} runs each task on a domain (at most one task per
   * domain at a time), {@code master} runs in the calling fiber with each finished task and its
   * result, and returns new tasks; returns once no task is left. A failing task is tried again as
   * {@code retry} says, otherwise the computation fails with an {@link ItemFailedException}
   * naming the task (its index counts tasks in the order they were created) and the workers are
   * cancelled.
   *
   * @throws IllegalStateException when called from inside a section of {@code domains}
   */
  public static <T, R> void compute(
      DomainManager domains,
      CheckedFunction<? super T, ? extends R> worker,
      Master<T, R> master,
      Collection<? extends T> initialTasks,
      RetryPolicy retry) {
    Objects.requireNonNull(domains, "domains");
    Streaming.compute(Where.domains(domains), worker, master, initialTasks, retry, worker);
  }

  /**
   * {@link #compute(DomainManager, CheckedFunction, Master, Collection,
   * RetryPolicy)} where {@code where}
   * says, at most {@code where.parallelism()} tasks at a time; elsewhere than on domains each task
   * travels with {@code worker}. A task that failed because its host was lost is a failure like
   * any other: {@code retry} decides whether it runs again (on another host, for a cluster), and
   * only one attempt's result ever reaches {@code master}.
   */
  public static <T, R> void compute(
      Where where,
      SerializableFunction<? super T, ? extends R> worker,
      Master<T, R> master,
      Collection<? extends T> initialTasks,
      RetryPolicy retry) {
    Objects.requireNonNull(worker, "worker");
    Streaming.compute(
        where,
        (CheckedFunction<T, R> & Serializable) worker::apply,
        master,
        initialTasks,
        retry,
        worker);
  }
}
