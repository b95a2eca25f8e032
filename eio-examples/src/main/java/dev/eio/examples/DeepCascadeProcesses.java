package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.workers.SerializableCallable;
import dev.eio.workers.Workers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The async_parallel "deep" example across processes: a cascade counting down from a depth, each
 * level a worker JVM that starts the next level in a worker of its own ({@link Workers#run}) and
 * adds one to its result, so the outermost call returns the depth. If you watch {@code top} while
 * it runs you see the chain of JVMs grow and shrink. Compare {@link DeepCascade}, the same
 * cascade with fibers and domains in one JVM.
 *
 * <p><b>Guarantees shown.</b> Each level's value comes back to the level that started it; each
 * level runs in a process of its own (the process ids are distinct); every level's worker has
 * exited once its level returned, so the cascade leaves no process behind (the program checks).
 *
 * <p>Cost: each level is a JVM start (about 0.3-0.5 s on a quiet machine, more when levels start
 * while their parents are still warming up), one after the other: depth 10 takes several seconds.
 *
 * <p>Run: {@code ./eio-run DeepCascadeProcesses}
 * (optional arguments: the depths, default 1 2 10).
 */
public final class DeepCascadeProcesses {
  private DeepCascadeProcesses() {}

  /**
   * One cascade.
   *
   * @param depth the depth asked for
   * @param result what the outermost level returned
   * @param pids the process of each level, outermost (this JVM) first
   * @param millis how long the cascade took
   */
  public record Outcome(int depth, int result, List<Long> pids, long millis) {}

  /** What a level returns: the count so far and the processes from it down, innermost last. */
  record Level(int count, List<Long> pids) implements java.io.Serializable {}

  public static void main(String[] args) {
    int[] depths =
        args.length == 0
            ? new int[] {1, 2, 10}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    run(depths, System.out);
  }

  /**
   * Runs a cascade of each depth, printing a line per cascade to {@code out}.
   *
   * @throws IllegalArgumentException when a depth is negative or above 50
   * @throws IllegalStateException when a cascade returns something other than its depth, a level
   *     shares a process with another, or a level's process outlives the cascade
   */
  public static List<Outcome> run(int[] depths, PrintStream out) {
    for (int d : depths) {
      if (d < 0 || d > 50) {
        throw new IllegalArgumentException("depth must be between 0 and 50, got " + d);
      }
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int depth : depths) {
      long start = System.nanoTime();
      Level top = level(depth);
      long millis = (System.nanoTime() - start) / 1_000_000;
      List<Long> pids = top.pids();
      Outcome o = new Outcome(depth, top.count(), pids, millis);
      out.printf(
          "depth %2d: returned %2d, through %2d processes, none left behind%n",
          depth, o.result(), pids.size());
      check(o);
      outcomes.add(o);
    }
    return outcomes;
  }

  /**
   * Level {@code i}: runs level {@code i - 1} in a worker, unless it is the bottom, and returns the
   * count with this process prepended to the processes below.
   */
  static Level level(int i) {
    long self = ProcessHandle.current().pid();
    if (i == 0) {
      return new Level(0, List.of(self));
    }
    SerializableCallable<Level> below = () -> level(i - 1);
    // Every level has an eio run of its own: a worker starts clean, with nothing of its parent.
    Level l =
        Eio.call(
            env -> Switch.call(sw -> Workers.of(env).withName("level-" + i).run(sw, below)));
    List<Long> pids = new ArrayList<>();
    pids.add(self);
    pids.addAll(l.pids());
    return new Level(l.count() + 1, List.copyOf(pids));
  }

  private static void check(Outcome o) {
    if (o.result() != o.depth()) {
      throw new IllegalStateException("cascade of depth " + o.depth() + " returned " + o.result());
    }
    if (new HashSet<>(o.pids()).size() != o.pids().size()) {
      throw new IllegalStateException("two levels shared a process: " + o.pids());
    }
    for (long pid : o.pids().subList(1, o.pids().size())) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new IllegalStateException("level process " + pid + " outlived the cascade");
      }
    }
  }
}
