package dev.eio.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runs several contenders in interleaved rounds inside one JVM and reports each one's median
 * beside the first contender's, as a ratio: on a shared, noisy machine only ratios measured in
 * the same run mean anything.
 */
final class Ratio {
  private final String title;
  private final String unit;
  private final Map<String, LongSupplier> contenders = new LinkedHashMap<>();

  /**
   * @param title what is measured
   * @param unit what one measurement's number means (e.g. "ns/fiber")
   */
  Ratio(String title, String unit) {
    this.title = title;
    this.unit = unit;
  }

  /** Adds a contender; {@code run} performs one measurement and returns its figure. */
  Ratio add(String name, LongSupplier run) {
    contenders.put(name, run);
    return this;
  }

  /** Runs {@code warmups} unrecorded and {@code rounds} recorded rounds; prints the table. */
  Map<String, Long> run(int warmups, int rounds) {
    System.out.printf("%n%s (%d rounds, interleaved; median %s)%n", title, rounds, unit);
    for (int w = 0; w < warmups; w++) {
      contenders.values().forEach(LongSupplier::getAsLong);
    }
    Map<String, long[]> samples = new LinkedHashMap<>();
    contenders.keySet().forEach(k -> samples.put(k, new long[rounds]));
    for (int r = 0; r < rounds; r++) {
      for (var e : contenders.entrySet()) {
        samples.get(e.getKey())[r] = e.getValue().getAsLong();
      }
      System.out.print(".");
    }
    System.out.println();
    Map<String, Long> medians = new LinkedHashMap<>();
    samples.forEach(
        (k, v) -> {
          long[] s = v.clone();
          Arrays.sort(s);
          medians.put(k, s[s.length / 2]);
        });
    long base = medians.values().iterator().next();
    medians.forEach(
        (k, m) ->
            System.out.printf(
                "  %-42s %12d %-10s ratio to first: %.2f%n", k, m, unit, (double) m / base));
    return medians;
  }
}
