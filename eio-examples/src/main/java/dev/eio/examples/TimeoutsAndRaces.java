package dev.eio.examples;

import dev.eio.Cancelled;
import dev.eio.Clock;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Time;
import dev.eio.Timeout;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tour of time limits and races: {@link Time#withTimeout} around a slow and a fast source,
 * {@link Time#withTimeoutOrThrow}, {@link Fiber#first} between a slow and a fast source, and a
 * race against a timer that falls back to a cached value.
 *
 * <p><b>Guarantees shown.</b> A timed-out body, and the loser of a race, are cancelled and have
 * ended (their {@code finally} blocks have run) before {@code withTimeout} or {@code first}
 * returns; the sources only ever block in {@link Clock#sleep}, so the whole tour runs the same on
 * the real clock and on a {@link dev.eio.VirtualClock} (its test runs hours of virtual time in
 * milliseconds and checks each step's exact time).
 *
 * <p>Run: {@code ./eio-run TimeoutsAndRaces} (optional
 * argument: the time unit in milliseconds, default 100: the fast source takes 1 unit, the slow
 * one 50, the time limit is 3).
 */
public final class TimeoutsAndRaces {
  private TimeoutsAndRaces() {}

  public static void main(String[] args) {
    Duration unit = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 100);
    if (unit.isNegative() || unit.isZero()) {
      throw new IllegalArgumentException("unit must be > 0 ms, got " + unit.toMillis());
    }
    Eio.run(env -> tour(env.clock(), unit, System.out));
  }

  /**
   * Runs the tour on {@code clock} with the given time unit, prints each step's outcome to
   * {@code out} and returns the printed lines.
   */
  public static List<String> tour(Clock clock, Duration unit, PrintStream out) {
    Duration fast = unit;
    Duration slow = unit.multipliedBy(50);
    Duration limit = unit.multipliedBy(3);
    List<String> lines = new ArrayList<>();
    Report report = new Report(clock, unit, out, lines);

    report.step("1. withTimeout(3 units) around the slow source (50 units):");
    Optional<String> late = Time.withTimeout(clock, limit, () -> source(clock, "slow", slow, report));
    report.say("result " + late.orElse("<timed out>"));

    report.step("2. withTimeout(3 units) around the fast source (1 unit):");
    Optional<String> early = Time.withTimeout(clock, limit, () -> source(clock, "fast", fast, report));
    report.say("result " + early.orElse("<timed out>"));

    report.step("3. withTimeoutOrThrow(3 units) around the slow source:");
    try {
      Time.withTimeoutOrThrow(clock, limit, () -> source(clock, "slow", slow, report));
      report.say("no timeout?");
    } catch (Timeout e) {
      report.say("threw Timeout: " + e.getMessage());
    }

    report.step("4. Fiber.first between the slow and the fast source:");
    String winner =
        Fiber.first(
            () -> source(clock, "slow", slow, report), () -> source(clock, "fast", fast, report));
    report.say("winner " + winner);

    report.step("5. Fiber.first between the slow source and a 3-unit timer with a fallback:");
    String answer =
        Fiber.first(
            () -> source(clock, "slow", slow, report),
            () -> {
              clock.sleep(limit);
              return "cached data";
            });
    report.say("answer " + answer);
    return lines;
  }

  /** A data source that takes {@code delay} to answer, and says when it is cancelled. */
  private static String source(Clock clock, String name, Duration delay, Report report) {
    try {
      clock.sleep(delay);
      report.say(name + " source answered");
      return name + " data";
    } catch (Cancelled e) {
      // Printed before withTimeout/first return: the loser has ended by then.
      report.say(name + " source cancelled");
      throw e;
    }
  }

  /** Prints lines stamped with the time since the current step began, in units. */
  private static final class Report {
    private final Clock clock;
    private final Duration unit;
    private final PrintStream out;
    private final List<String> lines;
    private long stepStart;

    Report(Clock clock, Duration unit, PrintStream out, List<String> lines) {
      this.clock = clock;
      this.unit = unit;
      this.out = out;
      this.lines = lines;
    }

    synchronized void step(String title) {
      stepStart = clock.nanoTime();
      print(title);
    }

    /** A line stamped with the elapsed time, rounded to a tenth of a unit. */
    synchronized void say(String what) {
      double units = (double) (clock.nanoTime() - stepStart) / unit.toNanos();
      print(String.format("   at %.1f units: %s", units, what));
    }

    private void print(String line) {
      lines.add(line);
      out.println(line);
    }
  }
}
