package dev.eio.workers;

import dev.eio.Cancel;
import dev.eio.Channel;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Semaphore;
import dev.eio.Switch;
import dev.eio.Task;
import dev.eio.internal.workers.WorkerProcess;
import java.util.LinkedList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fixed number of worker JVMs started once, each serving one task at a time (Nproc): a
 * submission goes to an idle worker, waits in a bounded queue when none is idle, and blocks when
 * the queue is full.
 *
 * <p>Guarantees: a task runs on exactly one worker; a worker that dies (exit, kill, out of memory)
 * fails the task it was running with {@link WorkerCrashedException} and is replaced, running the
 * pool's init again, before the next task it would have served; a cancelled task whose worker
 * does not stop it within the grace period has that worker killed and replaced. When the owning
 * switch finishes, every worker is killed and has exited before the switch returns; later
 * submissions fail with {@link IllegalStateException}. Results come back in submission order
 * ({@link #map}, or {@link #submitFork}'s promises awaited in turn) or as they finish ({@link
 * #forEachCompleted}).
 *
 * <pre>{@code
 * WorkerPool pool = Workers.of(env).pool(sw, 4, () -> { Model.load(); return null; });
 * List<Promise<Integer>> results = new ArrayList<>();
 * for (int i = 0; i < 100; i++) {
 *   int n = i;
 *   results.add(pool.submitFork(sw, () -> Model.score(n)));
 * }
 * for (Promise<Integer> r : results) System.out.println(r.await()); // submission order
 * }</pre>
 */
public final class WorkerPool {
  private final Workers workers;
  private final Switch owner;
  private final int size;
  private final SerializableCallable<?> init;
  private final Semaphore admitted; // running + queued submissions
  private final Semaphore idleCount; // permits = entries in idle
  private final LinkedList<WorkerProcess> idle = new LinkedList<>(); // guarded by this; null = start on demand
  private final List<WorkerProcess> all = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  WorkerPool(
      Workers workers, Switch owner, int size, int queueCapacity, SerializableCallable<?> init) {
    this.workers = workers;
    this.owner = owner;
    this.size = size;
    this.init = init;
    this.admitted = new Semaphore(size + queueCapacity);
    this.idleCount = new Semaphore(size);
    owner.onRelease(this::close);
    List<WorkerProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        started.add(startWorker());
      }
      if (init != null) {
        List<Task> inits = new ArrayList<>();
        for (WorkerProcess w : started) {
          inits.add(() -> w.call(init, Workers.ownClasses(init), workers.gracePeriod()));
        }
        Fiber.all(inits);
      }
    } catch (RuntimeException | Error e) {
      Cancel.protect(this::close);
      throw e;
    }
    synchronized (this) {
      idle.addAll(started);
    }
  }

  /** The number of workers. */
  public int size() {
    return size;
  }

  /** The process ids of the workers alive now. */
  public synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (WorkerProcess w : all) {
      if (w.isAlive()) {
        pids.add(w.pid());
      }
    }
    return pids;
  }

  /**
   * Runs {@code task} on an idle worker, waiting for one (and for room in the queue), and returns
   * its value or throws its exception.
   *
   * @throws WorkerCrashedException when the worker dies while running the task
   * @throws IllegalStateException when the pool's switch has finished
   * @throws dev.eio.Cancelled when the caller is cancelled, waiting or running
   */
  public <T> T submit(SerializableCallable<T> task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    checkOpen();
    admitted.acquire();
    try {
      return runOnWorker(task);
    } finally {
      admitted.release();
    }
  }

  /**
   * Waits for room in the queue, then runs {@code task} in a new fiber of {@code sw} and returns
   * the promise of its value. A failed task fails its promise and, like every forked fiber, the
   * switch {@code sw}.
   *
   * @throws IllegalStateException when the pool's switch or {@code sw} has finished
   */
  public <T> Promise<T> submitFork(Switch sw, SerializableCallable<T> task) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (task == null) {
      throw new NullPointerException("task");
    }
    checkOpen();
    admitted.acquire();
    try {
      return sw.forkPromise(
          () -> {
            try {
              return runOnWorker(task);
            } finally {
              admitted.release();
            }
          });
    } catch (RuntimeException | Error e) {
      admitted.release();
      throw e;
    }
  }

  /**
   * Runs every task on the pool and returns their values in the order of {@code tasks}, whatever
   * order they finish in. The first failure cancels the tasks still running or queued and is
   * rethrown, like {@link Fiber#map}.
   */
  public <T> List<T> map(List<? extends SerializableCallable<T>> tasks) {
    checkTasks(tasks);
    return Switch.call(
        sw -> {
          List<Promise<T>> pending = new ArrayList<>(tasks.size());
          for (SerializableCallable<T> t : tasks) {
            pending.add(submitFork(sw, t));
          }
          List<T> values = new ArrayList<>(tasks.size());
          for (Promise<T> p : pending) {
            values.add(p.await());
          }
          return values;
        });
  }

  /**
   * Runs every task on the pool and hands each value to {@code onResult} as soon as it arrives
   * (completion order), on the calling fiber, one at a time; returns once all were handed over.
   * The first failure (of a task or of {@code onResult}) cancels the rest and is rethrown.
   */
  public <T> void forEachCompleted(
      List<? extends SerializableCallable<T>> tasks, Consumer<? super T> onResult) {
    checkTasks(tasks);
    if (onResult == null) {
      throw new NullPointerException("onResult");
    }
    Switch.run(
        sw -> {
          Channel<Done<T>> done = Channel.create(tasks.size());
          for (SerializableCallable<T> t : tasks) {
            sw.fork(() -> done.send(new Done<>(submit(t))));
          }
          for (int i = 0; i < tasks.size(); i++) {
            onResult.accept(done.receive().value());
          }
        });
  }

  /** Carries a value that may be null through a channel. */
  private record Done<T>(T value) {}

  private static void checkTasks(List<?> tasks) {
    if (tasks == null) {
      throw new NullPointerException("tasks");
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i) == null) {
        throw new NullPointerException("tasks[" + i + "]");
      }
    }
  }

  private <T> T runOnWorker(SerializableCallable<T> task) {
    idleCount.acquire();
    WorkerProcess w;
    synchronized (this) {
      w = idle.pollFirst();
    }
    try {
      if (w == null || !w.isAlive()) {
        if (w != null) {
          forget(w);
        }
        w = null;
        checkOpen();
        w = startWorker();
        if (init != null) {
          w.call(init, Workers.ownClasses(init), workers.gracePeriod());
        }
      }
      @SuppressWarnings("unchecked")
      T value = (T) w.call(task, Workers.ownClasses(task), workers.gracePeriod());
      return value;
    } finally {
      WorkerProcess back = w;
      if (back != null && !back.isAlive()) {
        forget(back);
        back = null;
      }
      synchronized (this) {
        // A null entry stands for a worker to start on demand.
        if (!closed) {
          idle.addLast(back);
        } else if (back != null) {
          all.remove(back);
          back.kill();
        }
      }
      idleCount.release();
    }
  }

  private WorkerProcess startWorker() {
    synchronized (this) {
      if (closed) {
        throw closedError();
      }
      WorkerProcess w = workers.start();
      all.add(w);
      return w;
    }
  }

  private void forget(WorkerProcess w) {
    synchronized (this) {
      all.remove(w);
    }
    w.kill(); // reaps it; it is dead or useless already
  }

  private synchronized void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("worker pool of switch '" + owner.name() + "' is closed");
  }

  private void close() {
    List<WorkerProcess> toKill;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toKill = new ArrayList<>(all);
      all.clear();
      idle.clear();
    }
    for (WorkerProcess w : toKill) {
      w.kill();
    }
  }

  @Override
  public synchronized String toString() {
    return "WorkerPool[" + size + " workers, " + (closed ? "closed" : all.size() + " alive") + "]";
  }
}
