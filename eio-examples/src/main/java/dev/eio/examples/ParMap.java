package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.parallel.DomainManager;
import dev.eio.parallel.ItemFailedException;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.ParallelOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Parmap in eio: a parallel map over a data set the example makes (random numbers, each mapped to
 * the length of its Collatz chain, an uneven amount of work per item), with segments and with
 * chunks handed out on demand, a map-reduce for the longest chain, and a failing item.
 *
 * <p><b>Guarantees shown.</b> The parallel results equal the sequential ones, in input order,
 * whatever the split; a failing item stops the map and is named (index and value) in the {@link
 * ItemFailedException}; every operation returns only once all its work has ended.
 *
 * <p>Run: {@code ./eio-run ParMap} (optional arguments:
 * the number of items, default 300000, and the random seed, default 42).
 */
public final class ParMap {
  private ParMap() {}

  /** The largest number in the data set. */
  static final int MAX_VALUE = 1_000_000;

  /** Untimed runs of each map before the timed ones. */
  static final int WARMUPS = 3;

  /** Timed runs of each map; the best is shown. */
  static final int ROUNDS = 3;

  /**
   * What one run computed.
   *
   * @param items the size of the data set
   * @param domains the domains the map ran on
   * @param sameAsSequential whether both parallel maps gave the sequential map's list
   * @param longest the item with the longest chain (the first one, in input order, on ties)
   * @param longestSteps its chain's length
   * @param totalSteps the sum of all chain lengths
   * @param failedIndex the index the failing run's exception named
   */
  public record Result(
      int items,
      int domains,
      boolean sameAsSequential,
      long longest,
      int longestSteps,
      long totalSteps,
      long failedIndex) {}

  /** An item and its chain length, the longer (then the earlier) one winning a fold. */
  record Best(int index, long item, int steps) {
    static final Best NONE = new Best(Integer.MAX_VALUE, 0, -1);

    static Best max(Best a, Best b) {
      if (a.steps != b.steps) {
        return a.steps > b.steps ? a : b;
      }
      return a.index <= b.index ? a : b;
    }
  }

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
    Eio.run(env -> run(env.domains(), items, seed, System.out));
  }

  /** The data set: {@code items} numbers in 1..{@value #MAX_VALUE} drawn from {@code seed}. */
  public static List<Long> dataSet(int items, long seed) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    Random rnd = new Random(seed);
    List<Long> data = new ArrayList<>(items);
    for (int i = 0; i < items; i++) {
      data.add(1 + (long) rnd.nextInt(MAX_VALUE));
    }
    return data;
  }

  /** The number of Collatz steps from {@code n} down to 1. */
  public static int collatzSteps(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    int steps = 0;
    for (long x = n; x != 1; steps++) {
      x = (x & 1) == 0 ? x >> 1 : 3 * x + 1;
    }
    return steps;
  }

  /** Makes the data set, maps it on {@code domains} and sequentially, and prints the figures. */
  public static Result run(DomainManager domains, int items, long seed, PrintStream out) {
    List<Long> data = dataSet(items, seed);
    out.printf(
        "data set: %d numbers in 1..%d (seed %d), on %d domains%n",
        items, MAX_VALUE, seed, domains.domains());

    // Each contender runs WARMUPS times untimed first: the JIT compiles collatzSteps and the
    // map's own code, and the domains' threads start, before anything is timed (without it the
    // first parallel map paid for all that and read 2-3x slower than the sequential one). Then
    // the rounds interleave, and the best of each is shown: the least disturbed by other load.
    List<java.util.function.Supplier<List<Integer>>> contenders =
        List.of(
            () -> data.stream().map(ParMap::collatzSteps).toList(),
            () -> Parallel.map(domains, data, ParMap::collatzSteps),
            // Chunks on demand balance uneven items; results still come back in input order.
            () ->
                Parallel.map(
                    domains,
                    data,
                    ParallelOptions.defaults().withChunkSize(1024),
                    ParMap::collatzSteps));
    for (int w = 0; w < WARMUPS; w++) {
      contenders.forEach(java.util.function.Supplier::get);
    }
    long[] bestNanos = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    List<List<Integer>> results = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
    for (int round = 0; round < ROUNDS; round++) {
      for (int c = 0; c < contenders.size(); c++) {
        long t0 = System.nanoTime();
        results.set(c, contenders.get(c).get());
        bestNanos[c] = Math.min(bestNanos[c], System.nanoTime() - t0);
      }
    }
    List<Integer> sequential = results.get(0);
    List<Integer> segments = results.get(1);
    List<Integer> chunks = results.get(2);
    long tSeq = bestNanos[0];
    long tSeg = bestNanos[1];
    long tChunk = bestNanos[2];

    boolean same = sequential.equals(segments) && sequential.equals(chunks);
    out.printf(
        "map (best of %d, after %d warm-ups): sequential %.1f ms, Parallel.map segments %.1f ms,"
            + " chunks of 1024 %.1f ms; %s%n",
        ROUNDS,
        WARMUPS,
        tSeq / 1e6,
        tSeg / 1e6,
        tChunk / 1e6,
        same ? "same results in the same order" : "RESULTS DIFFER");

    List<Integer> indices = java.util.stream.IntStream.range(0, items).boxed().toList();
    Best best =
        Parallel.mapFold(
            domains,
            indices,
            i -> new Best(i, data.get(i), sequential.get(i)),
            Best.NONE,
            Best::max);
    long total =
        Parallel.mapFold(domains, data, x -> (long) collatzSteps(x), 0L, Long::sum);
    out.printf(
        "mapFold: the longest chain starts at %d (item %d, %d steps); %d steps in all%n",
        best.item(), best.index(), best.steps(), total);

    // One bad item fails the whole map, named, and the other workers are stopped.
    int poisoned = items / 2;
    long failedIndex = -1;
    try {
      Parallel.mapIndexed(
          domains,
          data,
          (i, x) -> {
            if (i == poisoned) {
              throw new ArithmeticException("no chain for this item");
            }
            return collatzSteps(x);
          });
    } catch (ItemFailedException e) {
      failedIndex = e.index();
      out.println("a failing item: " + e.getMessage());
    }
    return new Result(
        items, domains.domains(), same, best.item(), best.steps(), total, failedIndex);
  }
}
