package dev.eio;

import dev.eio.internal.SystemClock;
import dev.eio.internal.Timers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time limits on blocking code: {@link #withTimeout} runs a body and cancels it when it takes
 * longer than a duration measured on a {@link Clock}.
 *
 * <p><b>Guarantees.</b> On timeout the body is cancelled and waited for: when {@code withTimeout}
 * returns (or {@code withTimeoutOrThrow} throws {@link Timeout}) the body has ended, the fibers it
 * started have ended and the release hooks of its switches have run. A body that ignores
 * cancellation (a CPU loop that never checks, a {@link Cancel#protect} region) delays the return
 * until it ends by itself. The outcome is either the body's or the timeout, never both: a body
 * that finished just as the time ran out returns its value. The body's own failures are rethrown
 * as the same object; a cancellation of the caller is not a timeout and is rethrown as {@link
 * Cancelled}.
 *
 * <p>On the real clock ({@code env.clock()} of {@link Eio#run}) the time limit is kept by a
 * platform timer thread that cancels the body itself, so it fires even while the body's fibers
 * keep every carrier busy (on a single carrier, a fiber woken by a timer could wait for as long as
 * other fibers stay runnable). On any other clock a daemon fiber sleeps on that clock.
 *
 * <pre>{@code
 * Optional<String> page = Time.withTimeout(env.clock(), Duration.ofSeconds(5), () -> fetch(url));
 * String body = Time.withTimeoutOrThrow(env.clock(), Duration.ofSeconds(5), () -> fetch(url));
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
    try {
      T v =
          Cancel.subCall(
              ctx -> {
                Runnable expire =
                    () -> {
                      if (ctx.cancel(signal)) {
                        fired.set(true);
                      }
                    };
                if (clock instanceof SystemClock) {
                  // On the real clock a timer thread cancels the body itself: a fiber woken by
                  // the timer may not get a carrier while the body keeps them busy (Timers).
                  ScheduledFuture<?> timer =
                      Timers.schedule(expire, SystemClock.saturatedNanos(timeout));
                  try {
                    return body.call();
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
                      return body.call();
                    });
              });
      return new Outcome<>(v, false);
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
