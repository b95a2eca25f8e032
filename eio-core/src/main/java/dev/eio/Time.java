package dev.eio;

import dev.eio.internal.SystemClock;
import dev.eio.internal.Timers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Time limits on blocking code: {@link #withTimeout} runs a body and cancels it when it takes
 * longer than a duration measured on a {@link Clock}.
 *
 * <p><b>Guarantees.</b> On timeout the body is cancelled and waited for: when {@code withTimeout}
 * returns (or {@code withTimeoutOrThrow} throws {@link Timeout}) the body has ended, the fibers it
 * started have ended and the release hooks of its switches have run. A body that ignores
 * cancellation (a CPU loop that never checks, a {@link Cancel#protect} region) delays the return
 * until it ends by itself. The outcome is either the body's or the timeout, never both, and the
 * first to happen wins, as in Eio's {@code with_timeout}: a body that returned before the limit
 * returns its value, even if the timer fires while the call is returning; a body cancelled by the
 * timeout is a timeout even when it swallowed the cancellation and returned a value anyway. An
 * exception the body throws once cancelled by the timeout, caused (at any depth) by an {@link
 * InterruptedException}, {@link java.io.InterruptedIOException}, {@link
 * java.nio.channels.ClosedByInterruptException} or {@link Cancelled}, is the timeout too: so the
 * everyday {@code catch (InterruptedException e) { throw new RuntimeException(e); }} around JDK
 * calls does not turn a timeout into a failure. The body's other failures are rethrown as the
 * same object; a cancellation of the caller is not a timeout and is rethrown as {@link
 * Cancelled}.
 *
 * <p><b>The program's clock.</b> The forms without a {@link Clock} use {@link #clock()}: the
 * clock of the {@link Eio#run} or {@link VirtualClock#run} the calling fiber runs under (fibers
 * inherit it), so service code need not pass a clock down every call and still runs on virtual
 * time in tests.
 *
 * <p>On the real clock ({@code env.clock()} of {@link Eio#run}) the time limit is kept by a
 * platform timer thread that cancels the body itself, so it fires even while the body's fibers
 * keep every carrier busy (on a single carrier, a fiber woken by a timer could wait for as long as
 * other fibers stay runnable). On any other clock a daemon fiber sleeps on that clock.
 *
 * <pre>{@code
 * Optional<String> page = Time.withTimeout(env.clock(), Duration.ofSeconds(5), () -> fetch(url));
 * String body = Time.withTimeoutOrThrow(Duration.ofSeconds(5), () -> fetch(url)); // program's clock
 * }</pre>
 */
public final class Time {
  private Time() {}

  /** The outcome of a timed run: the body's value, or {@code timedOut}. */
  private record Outcome<T>(T value, boolean timedOut) {}

  /** The cancellation reason used on timeout; benign, so it carries no stack trace. */
  private static final class TimeoutSignal extends Cancelled {
    private static final long serialVersionUID = 1L;

    TimeoutSignal(Duration d) {
      super("timed out after " + d);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** Which fiber-local holds the program's clock; bound by {@link Eio#run} and friends. */
  private static final Fiber.Key<Clock> PROGRAM_CLOCK = new Fiber.Key<>("program clock");

  /**
   * The running program's clock: that of the innermost {@link Eio#run} or {@link
   * VirtualClock#run} the calling fiber (or the fiber that forked it) runs under; the system
   * clock outside any run.
   */
  public static Clock clock() {
    return Fiber.get(PROGRAM_CLOCK).orElse(SystemClock.INSTANCE);
  }

  /** Runs {@code body} with {@code clock} as the program's clock. */
  static <T> T withProgramClock(Clock clock, Callable<T> body) {
    return Fiber.withBinding(PROGRAM_CLOCK, clock, body);
  }

  /** {@link #withTimeout(Clock, Duration, Callable)} on the program's {@link #clock()}. */
  public static <T> Optional<T> withTimeout(Duration timeout, Callable<? extends T> body) {
    return withTimeout(clock(), timeout, body);
  }

  /** {@link #withTimeout(Clock, Duration, Task)} on the program's {@link #clock()}. */
  public static boolean withTimeout(Duration timeout, Task body) {
    return withTimeout(clock(), timeout, body);
  }

  /** {@link #withTimeoutOrThrow(Clock, Duration, Callable)} on the program's {@link #clock()}. */
  public static <T> T withTimeoutOrThrow(Duration timeout, Callable<? extends T> body) {
    return withTimeoutOrThrow(clock(), timeout, body);
  }

  /** {@link #withTimeoutOrThrow(Clock, Duration, Task)} on the program's {@link #clock()}. */
  public static void withTimeoutOrThrow(Duration timeout, Task body) {
    withTimeoutOrThrow(clock(), timeout, body);
  }

  /**
   * Runs {@code body}, cancelling it after {@code timeout} on {@code clock}.
   *
   * @return the body's value, or empty on timeout (also empty when the body returned {@code
   *     null}: use {@link #withTimeoutOrThrow} to tell them apart)
   * @throws IllegalArgumentException when {@code timeout} is negative
   */
  public static <T> Optional<T> withTimeout(
      Clock clock, Duration timeout, Callable<? extends T> body) {
    Outcome<T> o = run(clock, timeout, body);
    return o.timedOut() ? Optional.empty() : Optional.ofNullable(o.value());
  }

  /**
   * Runs {@code body}, cancelling it after {@code timeout} on {@code clock}.
   *
   * @return {@code true} when the body finished, {@code false} on timeout
   */
  public static boolean withTimeout(Clock clock, Duration timeout, Task body) {
    return !run(clock, timeout, asCallable(body)).timedOut();
  }

  /**
   * Runs {@code body}, cancelling it after {@code timeout} on {@code clock}.
   *
   * @return the body's value
   * @throws Timeout on timeout, once the body has ended
   */
  public static <T> T withTimeoutOrThrow(
      Clock clock, Duration timeout, Callable<? extends T> body) {
    Outcome<T> o = run(clock, timeout, body);
    if (o.timedOut()) {
      throw new Timeout(timeout);
    }
    return o.value();
  }

  /**
   * Runs {@code body}, cancelling it after {@code timeout} on {@code clock}.
   *
   * @throws Timeout on timeout, once the body has ended
   */
  public static void withTimeoutOrThrow(Clock clock, Duration timeout, Task body) {
    if (run(clock, timeout, asCallable(body)).timedOut()) {
      throw new Timeout(timeout);
    }
  }

  private static Callable<Object> asCallable(Task body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    return () -> {
      body.run();
      return null;
    };
  }

  private static final int RUNNING = 0;
  private static final int BODY_FIRST = 1;
  private static final int TIMER_FIRST = 2;

  /** Records that the body returned {@code v}; from then on the timer no longer fires. */
  private static <T> T returned(T v, AtomicInteger race) {
    race.compareAndSet(RUNNING, BODY_FIRST);
    return v;
  }

  private static <T> Outcome<T> run(Clock clock, Duration timeout, Callable<? extends T> body) {
    if (clock == null) {
      throw new NullPointerException("clock");
    }
    if (timeout == null) {
      throw new NullPointerException("timeout");
    }
    if (body == null) {
      throw new NullPointerException("body");
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
    }
    TimeoutSignal signal = new TimeoutSignal(timeout);
    AtomicBoolean fired = new AtomicBoolean();
    // Who came first, decided by one CAS: the body returning, or the timer.
    AtomicInteger race = new AtomicInteger(RUNNING);
    try {
      T v =
          Cancel.subCall(
              ctx -> {
                Runnable expire =
                    () -> {
                      if (race.compareAndSet(RUNNING, TIMER_FIRST) && ctx.cancel(signal)) {
                        fired.set(true);
                      }
                    };
                if (clock instanceof SystemClock) {
                  // On the real clock a timer thread cancels the body itself: a fiber woken by
                  // the timer may not get a carrier while the body keeps them busy (Timers).
                  ScheduledFuture<?> timer =
                      Timers.schedule(expire, SystemClock.saturatedNanos(timeout));
                  try {
                    return returned(body.call(), race);
                  } finally {
                    timer.cancel(false);
                  }
                }
                return Switch.call(
                    "timeout",
                    sw -> {
                      // A daemon: the switch stops it as soon as the body has finished.
                      sw.forkDaemon(
                          () -> {
                            clock.sleep(timeout);
                            expire.run();
                          });
                      return returned(body.call(), race);
                    });
              });
      // The timer came first and the body swallowed its cancellation: still a timeout (Eio's
      // with_timeout keeps the first outcome), unless the caller's cancellation got there first.
      // (The timer thread may still be inside cancel, so its CAS is what counts, not fired.)
      return new Outcome<>(v, race.get() == TIMER_FIRST && !Fiber.isCancelled());
    } catch (Cancelled c) {
      // The timer may still be setting fired as the body ends with its cancellation: the reason
      // tells too.
      if (fired.get() || c.reason() == signal) {
        return new Outcome<>(null, true);
      }
      throw c;
    }
  }
}
