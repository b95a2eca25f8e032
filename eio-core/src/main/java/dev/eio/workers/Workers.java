package dev.eio.workers;

import dev.eio.Cancel;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.internal.OwnedTask;
import dev.eio.internal.workers.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Runs tasks in worker JVMs: other processes started from this JVM's {@code java} and class path,
 * so that a crash, a native library, a leak or {@code System.exit} in a task cannot take the
 * parent down. {@link #run} uses a fresh worker per call; {@link #pool} keeps workers for many
 * tasks; {@link #spawn} runs a {@link HubFunction} that parties talk to over {@link HubConnection}s.
 *
 * <p>Guarantees: every worker belongs to a switch and has exited when that switch has finished; a
 * worker halts by itself when its parent dies (its stdin reaches end of file), so none is
 * orphaned even by {@code kill -9} of the parent. A task's value comes back through the {@link
 * Codec}; its exception is rethrown here with the same class, message and remote stack trace
 * (checked exceptions wrapped in {@link dev.eio.WrappedCheckedException}). Cancelling the caller
 * interrupts the task in the worker; a task that does not stop within the {@linkplain
 * #withGracePeriod grace period} gets its worker killed. A worker's death fails its task with
 * {@link WorkerCrashedException}. Frames travel on the worker's stdin and stdout pipes, never a
 * network port; the worker's {@code System.out} and stderr reach this JVM's {@code System.err},
 * each line prefixed with {@code [worker-name]} and cut at 8 KiB (the line says how many bytes
 * were dropped).
 *
 * <p>Hostile workers: whatever a worker sends is decoded within the codec's {@link DecodeLimits}
 * (by default 64 MiB per value, 16 Mi elements per array, depth 20, 4 Mi objects), so a forged
 * reply fails its call with {@link CodecException}, never an {@link Error} in this JVM; a frame
 * longer than the limit is refused unread and the worker is killed ({@link
 * WorkerCrashedException}). Decoding a reply is a cancellation point: a cancelled caller gets
 * {@link dev.eio.Cancelled}, also while a long reply is being decoded.
 *
 * <p>Instances are immutable and thread-safe; the {@code with*} methods return new instances.
 *
 * <pre>{@code
 * Eio.run(env -> Switch.run(sw -> {
 *   String hello = Workers.of(env).run(sw, () -> "hello from process " + ProcessHandle.current().pid());
 *   System.out.println(hello);
 * }));
 * }</pre>
 */
public final class Workers {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** The grace period when none is set: a cancelled task has this long to stop. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(2);

  private final Codec codec;
  private final Duration grace;
  private final List<String> jvmOptions;
  private final String name;

  private Workers(Codec codec, Duration grace, List<String> jvmOptions, String name) {
    this.codec = codec;
    this.grace = grace;
    this.jvmOptions = jvmOptions;
    this.name = name;
  }

  /**
   * The worker capability of {@code env}, with {@link SerializationCodec#defaults()}, the
   * {@linkplain #DEFAULT_GRACE_PERIOD default grace period} and no extra JVM options.
   */
  public static Workers of(Env env) {
    if (env == null) {
      throw new NullPointerException("env");
    }
    return new Workers(SerializationCodec.defaults(), DEFAULT_GRACE_PERIOD, List.of(), "worker");
  }

  /** These workers, with {@code codec} for tasks, values and exceptions. */
  public Workers withCodec(Codec codec) {
    if (codec == null) {
      throw new NullPointerException("codec");
    }
    return new Workers(codec, grace, jvmOptions, name);
  }

  /**
   * These workers, giving a cancelled task {@code grace} to stop before its worker is killed (and,
   * for {@link #run}, a finished worker as long to exit).
   *
   * @throws IllegalArgumentException when {@code grace} is negative
   */
  public Workers withGracePeriod(Duration grace) {
    if (grace == null) {
      throw new NullPointerException("grace");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, got " + grace);
    }
    return new Workers(codec, grace, jvmOptions, name);
  }

  /** These workers, started with {@code options} (for example {@code -Xmx64m}) before the class path. */
  public Workers withJvmOptions(List<String> options) {
    if (options == null) {
      throw new NullPointerException("options");
    }
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i) == null) {
        throw new NullPointerException("options[" + i + "]");
      }
    }
    return new Workers(codec, grace, List.copyOf(options), name);
  }

  /**
   * These workers, named {@code prefix-N} (N counts workers started by this JVM).
   *
   * @throws IllegalArgumentException when {@code prefix} is blank
   */
  public Workers withName(String prefix) {
    if (prefix == null) {
      throw new NullPointerException("prefix");
    }
    if (prefix.isBlank()) {
      throw new IllegalArgumentException("prefix must not be blank, got '" + prefix + "'");
    }
    return new Workers(codec, grace, jvmOptions, prefix);
  }

  /** The codec these workers use. */
  public Codec codec() {
    return codec;
  }

  /** The grace period given to a cancelled task. */
  public Duration gracePeriod() {
    return grace;
  }

  /**
   * Runs {@code task} in a fresh worker JVM owned by {@code sw} and returns its value, or throws
   * its exception. The worker is stopped before this returns.
   *
   * @throws WorkerCrashedException when the worker dies before replying, or sends a frame over
   *     the codec's limit
   * @throws CodecException when the task, its value or its exception cannot cross: not
   *     encodable, refused by the allow-list, or over the codec's {@link DecodeLimits}
   * @throws dev.eio.Cancelled when the caller is cancelled (the task is cancelled in the worker),
   *     also while the reply is being decoded
   */
  public <T> T run(Switch sw, SerializableCallable<T> task) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (task == null) {
      throw new NullPointerException("task");
    }
    sw.check();
    WorkerProcess w = start();
    Switch.ReleaseHandle release;
    try {
      release = sw.onRelease(w::kill);
    } catch (RuntimeException e) {
      w.kill();
      throw e;
    }
    try {
      @SuppressWarnings("unchecked")
      T value = (T) w.call(task, ownClasses(task), grace);
      return value;
    } finally {
      Cancel.protect(() -> w.stop(grace));
      release.remove();
    }
  }

  /**
   * Starts a fresh worker JVM owned by {@code sw} running {@code fn} on a hub (async_parallel's
   * {@code spawn}), and returns at once with the parent's handle: a first connection to the hub,
   * more with {@link HubWorker#connect}, and the promise of {@code fn}'s result. Messages both ways
   * and the result pass through this codec (the parent accepts {@code fn}'s own classes besides
   * the allow-list). See {@link HubWorker} for the lifecycle: the switch finishing cancels the hub
   * (grace period, then kill).
   *
   * @throws WorkerCrashedException when the worker cannot be started
   * @throws CodecException when {@code fn} cannot be encoded
   */
  public <I, O, R> HubWorker<I, O, R> spawn(Switch sw, HubFunction<I, O, R> fn) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    sw.check();
    return new HubWorker<>(sw, start(), fn, codec, grace);
  }

  /** A pool of {@code workers} workers owned by {@code sw}, with no init and no queue. */
  public WorkerPool pool(Switch sw, int workers) {
    return pool(sw, workers, 0, null);
  }

  /** A pool of {@code workers} workers owned by {@code sw}, each running {@code init} first. */
  public WorkerPool pool(Switch sw, int workers, SerializableCallable<?> init) {
    return pool(sw, workers, 0, init);
  }

  /**
   * A pool of {@code workers} worker JVMs owned by {@code sw}. Each worker runs {@code init} (when
   * not null) once after it starts and before its first task, including workers started to
   * replace dead ones. Up to {@code queueCapacity} submissions wait for an idle worker beyond those
   * running; further submissions block. Returns once every worker has run {@code init}.
   *
   * @throws IllegalArgumentException when {@code workers} is below 1 or {@code queueCapacity}
   *     below 0
   * @throws WorkerCrashedException when a worker dies while running {@code init}; this, a {@link
   *     CodecException} or {@code init}'s own exception ends the construction, and the workers
   *     already started are killed
   */
  public WorkerPool pool(Switch sw, int workers, int queueCapacity, SerializableCallable<?> init) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must be >= 0, got " + queueCapacity);
    }
    sw.check();
    return new WorkerPool(this, sw, workers, queueCapacity, init);
  }

  WorkerProcess start() {
    return WorkerProcess.start(name + "-" + COUNTER.incrementAndGet(), codec, jvmOptions);
  }

  /**
   * The task's own classes: those of its nest (a lambda belongs to its enclosing class's nest); for
   * an {@link OwnedTask}, those of its owner's nest.
   */
  static Predicate<Class<?>> ownClasses(Object task) {
    Object owner = task instanceof OwnedTask<?> o ? o.owner() : task;
    Class<?> host = owner.getClass().getNestHost();
    return c -> c.getNestHost() == host;
  }

  @Override
  public String toString() {
    return "Workers[" + name + ", " + codec + ", grace " + grace + "]";
  }
}
