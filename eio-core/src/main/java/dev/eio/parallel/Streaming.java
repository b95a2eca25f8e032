package dev.eio.parallel;

import dev.eio.Cancelled;
import dev.eio.CheckedConsumer;
import dev.eio.CheckedFunction;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.internal.Interrupts;
import dev.eio.internal.OwnedTask;
import dev.eio.workers.SerializableCallable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * The machinery of {@link Parallel#pipeline} and {@link Parallel#compute}: worker fibers that
 * take work from a queue and run it on the domains or remotely, as their {@link Where} says.
 */
final class Streaming {
  private Streaming() {}

  /**
   * {@link Parallel#pipeline}: on domains the workers are fibers that run each chunk in a domain
   * section; elsewhere they send each chunk with {@code owner}'s classes allowed in the reply.
   */
  static <A, B> void pipeline(
      Where where,
      Iterator<? extends A> source,
      CheckedFunction<? super A, ? extends B> work,
      CheckedConsumer<? super B> consumer,
      PipelineOptions options,
      Object owner) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(options, "options");
    if (where.domainManager() != null) {
      refuseInsideSection(where.domainManager(), "pipeline");
    }
    int workers = options.workers() == 0 ? where.parallelism() : options.workers();
    int chunk = options.chunkSize();
    int bound =
        options.maxInFlight() != 0
            ? options.maxInFlight()
            : (int) Math.min(Integer.MAX_VALUE, 4L * workers * chunk);
    Semaphore room = new Semaphore(bound);
    BlockingQueue<Chunk> todo = new LinkedBlockingQueue<>();
    BlockingQueue<Chunk> done = new LinkedBlockingQueue<>();
    Switch.run(
        "pipeline",
        sw -> {
          sw.forkDaemon(() -> feed(source, chunk, room, todo, done));
          for (int w = 0; w < workers; w++) {
            sw.forkDaemon(
                () -> {
                  while (true) {
                    Chunk c = take(todo);
                    Object[] items = c.items;
                    long first = c.first;
                    c.results =
                        runOne(
                            where,
                            () -> {
                              Object[] out = new Object[items.length];
                              for (int i = 0; i < out.length; i++) {
                                Fiber.check();
                                @SuppressWarnings("unchecked")
                                A item = (A) items[i];
                                try {
                                  out[i] = work.apply(item);
                                } catch (Exception e) {
                                  throw Parallel.itemFailed(first + i, item, e);
                                }
                              }
                              return out;
                            },
                            owner);
                    done.add(c);
                  }
                });
          }
          consume(done, options.ordered(), room, consumer);
        });
  }

  /**
   * Runs {@code body} once where {@code where} says: in a domain section, or remotely with {@code
   * owner}'s classes allowed in the reply.
   */
  static <T> T runOne(Where where, SerializableCallable<T> body, Object owner) {
    Where.Remote remote = where.remoteRunner();
    if (remote != null) {
      return remote.run(new OwnedTask<>(body, owner), owner.getClass());
    }
    return where.domainManager().run(body); // wraps a checked exception once, as everywhere
  }

  /** A run of consecutive source items, and then their results. */
  private static final class Chunk {
    static final Object[] NONE = new Object[0];
    final long seq;
    final long first;
    final Object[] items;
    Object[] results;
    final long total; // on the end marker only: the number of chunks

    Chunk(long seq, long first, Object[] items, long total) {
      this.seq = seq;
      this.first = first;
      this.items = items;
      this.total = total;
    }
  }

  private static <A> void feed(
      Iterator<? extends A> source,
      int chunk,
      Semaphore room,
      BlockingQueue<Chunk> todo,
      BlockingQueue<Chunk> done) {
    long seq = 0;
    long pulled = 0;
    List<Object> items = new ArrayList<>(chunk);
    boolean exhausted = false;
    while (!exhausted) {
      acquire(room);
      if (!source.hasNext()) {
        room.release();
        break;
      }
      items.add(source.next());
      // Fill the chunk only with room already free: waiting with a part-filled chunk could wait
      // for the consumer, which may be waiting for exactly these items.
      while (items.size() < chunk && room.tryAcquire()) {
        if (!source.hasNext()) {
          room.release();
          exhausted = true;
          break;
        }
        items.add(source.next());
      }
      todo.add(new Chunk(seq++, pulled, items.toArray(), -1));
      pulled += items.size();
      items.clear();
    }
    done.add(new Chunk(-1, pulled, Chunk.NONE, seq));
  }

  private static <B> void consume(
      BlockingQueue<Chunk> done,
      boolean ordered,
      Semaphore room,
      CheckedConsumer<? super B> consumer)
      throws Exception {
    long total = -1;
    long consumed = 0;
    long next = 0;
    Map<Long, Chunk> early = new HashMap<>();
    while (total < 0 || consumed < total) {
      Chunk c = take(done);
      if (c.seq < 0) {
        total = c.total;
        continue;
      }
      if (!ordered) {
        deliver(c, room, consumer);
        consumed++;
        continue;
      }
      early.put(c.seq, c);
      for (Chunk r; (r = early.remove(next)) != null; next++) {
        deliver(r, room, consumer);
        consumed++;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <B> void deliver(Chunk c, Semaphore room, CheckedConsumer<? super B> consumer)
      throws Exception {
    for (Object r : c.results) {
      consumer.accept((B) r);
      room.release();
    }
  }

  /**
   * The pipeline's consumer and the master wait in the calling thread for work done on the
   * domains: on a domain of the same manager that wait would hold the very thread the work needs.
   */
  private static void refuseInsideSection(DomainManager domains, String what) {
    if (domains.isDomainThread()) {
      throw new IllegalStateException(
          "Parallel."
              + what
              + " waits for its domains in the calling thread: call it from a fiber, not from"
              + " inside a section of the same domain manager");
    }
  }

  private static void acquire(Semaphore s) {
    try {
      s.acquire();
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    }
  }

  private static <T> T take(BlockingQueue<T> q) {
    try {
      return q.take();
    } catch (InterruptedException e) {
      throw Interrupts.cancelledByInterrupt(e);
    }
  }

  // ---------------------------------------------------------------- compute

  /** {@link Parallel#compute} where {@code where} says; {@code owner}'s classes allowed in replies. */
  static <T, R> void compute(
      Where where,
      CheckedFunction<? super T, ? extends R> worker,
      Parallel.Master<T, R> master,
      Collection<? extends T> initialTasks,
      RetryPolicy retry,
      Object owner) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(initialTasks, "initialTasks");
    Objects.requireNonNull(retry, "retry");
    if (where.domainManager() != null) {
      refuseInsideSection(where.domainManager(), "compute");
    }
    BlockingQueue<Job<T>> todo = new LinkedBlockingQueue<>();
    BlockingQueue<Job<T>> done = new LinkedBlockingQueue<>();
    Switch.run(
        "compute",
        sw -> {
          for (int w = 0; w < where.parallelism(); w++) {
            sw.forkDaemon(
                () -> {
                  while (true) {
                    Job<T> j = take(todo);
                    T task = j.task;
                    try {
                      j.result = runOne(where, () -> worker.apply(task), owner);
                      j.failure = null;
                    } catch (Cancelled c) {
                      throw c;
                    } catch (RuntimeException e) {
                      j.failure = e;
                    }
                    done.add(j);
                  }
                });
          }
          long created = 0;
          ArrayDeque<Job<T>> fresh = new ArrayDeque<>();
          for (T t : initialTasks) {
            fresh.add(new Job<>(created++, t));
          }
          long pending = fresh.size();
          todo.addAll(fresh);
          while (pending > 0) {
            Job<T> j = take(done);
            if (j.failure != null) {
              RuntimeException e = j.failure;
              j.attempts++;
              if (j.attempts < retry.maxAttempts() && retry.retryIf().test(e)) {
                j.earlier.add(e);
                todo.add(j);
                continue;
              }
              ItemFailedException failed = new ItemFailedException(j.index, j.task, e);
              for (Throwable prev : j.earlier) {
                failed.addSuppressed(prev);
              }
              throw failed;
            }
            pending--;
            @SuppressWarnings("unchecked")
            R r = (R) j.result;
            Collection<? extends T> more = master.onResult(j.task, r);
            Objects.requireNonNull(more, "master returned null instead of a collection of tasks");
            for (T t : more) {
              todo.add(new Job<>(created++, t));
              pending++;
            }
          }
        });
  }

  /** A task of {@link #compute} and its latest outcome. */
  private static final class Job<T> {
    final long index;
    final T task;
    final List<Throwable> earlier = new ArrayList<>(0);
    int attempts;
    Object result;
    RuntimeException failure;

    Job(long index, T task) {
      this.index = index;
      this.task = task;
    }
  }
}
