package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.DomainManager;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The async_parallel "deep" example: a cascade of nested runs counting down from a depth (1, 2,
 * 10, 100), each level running the next one elsewhere and adding one to its result, so the
 * outermost run returns the depth. Done three ways: with fibers (each level a fiber in a switch
 * of its own), with domains (each level a section on a fresh one-domain manager, so a new
 * platform thread per level, as the seed started a new process per level), and with one shared
 * manager (nested runs of the same manager run inline, so the whole cascade takes one domain).
 *
 * <p><b>Guarantees shown.</b> Each nested run returns its value to the level that started it;
 * every level's switch (and its manager's threads) is gone when that level returns, so a deep
 * cascade leaves nothing behind; the check {@code result == depth} fails the program otherwise.
 *
 * <p>Run: {@code ./eio-run DeepCascade} (optional
 * arguments: the depths, default 1 2 10 100).
 */
public final class DeepCascade {
  private DeepCascade() {}

  /** The ways a level can run the next one. */
  public enum Way {
    /** A fiber per level, forked into a switch of the level. */
    FIBERS,
    /** A one-domain manager per level: a new platform thread per level. */
    NEW_DOMAINS,
    /** One manager for the whole cascade: nested sections run inline on its domain. */
    ONE_MANAGER
  }

  /**
   * One cascade.
   *
   * @param way how each level ran the next
   * @param depth the depth asked for
   * @param result what the outermost level returned
   * @param threads the distinct threads the levels ran on
   */
  public record Outcome(Way way, int depth, int result, int threads) {}

  public static void main(String[] args) {
    int[] depths =
        args.length == 0
            ? new int[] {1, 2, 10, 100}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Eio.run(env -> run(depths, System.out));
  }

  /**
   * Runs a cascade of each depth each {@link Way}, printing a line per cascade to {@code out}.
   *
   * @throws IllegalArgumentException when a depth is negative or above 1000
   * @throws IllegalStateException when a cascade returns something other than its depth
   */
  public static List<Outcome> run(int[] depths, PrintStream out) {
    for (int d : depths) {
      if (d < 0 || d > 1000) {
        throw new IllegalArgumentException("depth must be between 0 and 1000, got " + d);
      }
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Way way : Way.values()) {
      for (int depth : depths) {
        Outcome o = cascade(way, depth);
        out.printf(
            "%-11s depth %3d: returned %3d, on %3d thread%s%n",
            way.name().toLowerCase().replace('_', ' '),
            depth,
            o.result(),
            o.threads(),
            o.threads() == 1 ? "" : "s");
        if (o.result() != depth) {
          throw new IllegalStateException("cascade of depth " + depth + " returned " + o.result());
        }
        outcomes.add(o);
      }
    }
    return outcomes;
  }

  /** Runs one cascade of {@code depth} levels {@code way}. */
  public static Outcome cascade(Way way, int depth) {
    return cascade(way, depth, ConcurrentHashMap.newKeySet());
  }

  /** Runs one cascade, adding to {@code threads} every thread a level ran on. */
  static Outcome cascade(Way way, int depth, Set<Thread> threads) {
    int result =
        switch (way) {
          case FIBERS -> withFibers(depth, threads);
          case NEW_DOMAINS -> withNewDomains(depth, threads);
          case ONE_MANAGER ->
              Switch.call(
                  "cascade",
                  sw -> {
                    DomainManager domains = DomainManager.create(sw, 1);
                    return domains.run(() -> withManager(domains, depth, threads));
                  });
        };
    return new Outcome(way, depth, result, threads.size());
  }

  private static int withFibers(int i, Set<Thread> threads) {
    threads.add(Thread.currentThread());
    if (i == 0) {
      return 0;
    }
    int below =
        Switch.call("level-" + i, sw -> sw.forkPromise(() -> withFibers(i - 1, threads)).await());
    return below + 1;
  }

  private static int withNewDomains(int i, Set<Thread> threads) {
    threads.add(Thread.currentThread());
    if (i == 0) {
      return 0;
    }
    // The level's manager, and with it its thread, ends with this switch.
    int below =
        Switch.call(
            "level-" + i,
            sw -> DomainManager.create(sw, 1).run(() -> withNewDomains(i - 1, threads)));
    return below + 1;
  }

  private static int withManager(DomainManager domains, int i, Set<Thread> threads) {
    threads.add(Thread.currentThread());
    if (i == 0) {
      return 0;
    }
    return domains.run(() -> withManager(domains, i - 1, threads)) + 1;
  }
}
