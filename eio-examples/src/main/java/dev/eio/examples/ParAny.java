package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.parallel.DomainManager;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.PipelineOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parany in eio: a streaming pipeline from an unbounded generator (every odd number from a start
 * on) through a CPU-bound test on the domains (is it prime?) to a consumer that stops the
 * generator once it has found enough primes, in bounded memory, with progress printed.
 *
 * <p><b>Guarantees shown.</b> The generator is pulled only while fewer than {@code maxInFlight}
 * items are between it and the consumer (the run measures the most it ever saw, and it never
 * exceeds the bound), so the stream's length never matters; results reach the consumer in
 * generator order, so the primes found are exactly the first ones from the start; the pipeline
 * ends when the generator does, after every item pulled has been consumed.
 *
 * <p>Run: {@code ./eio-run ParAny} (optional arguments:
 * how many primes to find, default 2000; the start, default 100000000000; items in flight at
 * most, default 256).
 */
public final class ParAny {
  private ParAny() {}

  /**
   * What one run found.
   *
   * @param primes the first {@code count} primes at or above the start, in order
   * @param checked the numbers the consumer saw (some after the last prime needed: they were
   *     already in flight when the generator stopped)
   * @param maxInFlight the most items ever pulled from the generator and not yet consumed
   * @param bound the pipeline's limit on items in flight
   */
  public record Result(List<Long> primes, long checked, long maxInFlight, int bound) {}

  /** A number and whether it is prime: the pipeline's work result. */
  record Checked(long n, boolean prime) {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long start = args.length > 1 ? Long.parseLong(args[1]) : 100_000_000_000L;
    int bound = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    Eio.run(env -> run(env.domains(), count, start, bound, System.out));
  }

  /**
   * Streams odd numbers from {@code start} through a primality test on {@code domains} until
   * {@code count} primes are found, with at most {@code bound} numbers in flight; prints progress
   * to {@code out} about every tenth of the way.
   *
   * @throws IllegalArgumentException when {@code count < 1}, {@code start < 2} or {@code bound <
   *     16}
   */
  public static Result run(DomainManager domains, int count, long start, int bound, PrintStream out) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (start < 2) {
      throw new IllegalArgumentException("start must be >= 2, got " + start);
    }
    if (bound < 16) {
      throw new IllegalArgumentException("bound must be >= 16 (the chunk size), got " + bound);
    }
    out.printf(
        "looking for the first %d primes from %d on, %d domains, at most %d numbers in flight%n",
        count, start, domains.domains(), bound);
    AtomicLong pulled = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicLong maxInFlight = new AtomicLong();
    List<Long> primes = new ArrayList<>(count); // the consumer's alone
    AtomicInteger found = new AtomicInteger(); // what the generator sees of it
    long t0 = System.nanoTime();

    // Unbounded: it ends only when the consumer has seen enough. It is called from one fiber.
    Iterator<Long> oddNumbers =
        new Iterator<>() {
          long next = start == 2 ? 2 : start | 1;

          @Override
          public boolean hasNext() {
            return found.get() < count;
          }

          @Override
          public Long next() {
            long n = next;
            next = n == 2 ? 3 : n + 2;
            long inFlight = pulled.incrementAndGet() - consumed.get();
            maxInFlight.accumulateAndGet(inFlight, Math::max);
            return n;
          }
        };

    int[] reported = {0};
    Parallel.pipeline(
        domains,
        oddNumbers,
        n -> new Checked(n, isPrime(n)),
        c -> {
          // The consumer runs in this fiber: no lock needed for primes.
          long seen = consumed.incrementAndGet();
          if (c.prime() && primes.size() < count) {
            primes.add(c.n());
            found.set(primes.size());
            if (primes.size() * 10L / count > reported[0]) {
              reported[0] = (int) (primes.size() * 10L / count);
              out.printf(
                  "  %5d primes, %7d numbers checked, largest %d, %.0f ms%n",
                  primes.size(), seen, c.n(), (System.nanoTime() - t0) / 1e6);
            }
          }
        },
        PipelineOptions.defaults().withChunkSize(16).withMaxInFlight(bound));
    out.printf(
        "found %d primes in %d numbers; at most %d numbers were in flight (limit %d)%n",
        primes.size(), consumed.get(), maxInFlight.get(), bound);
    return new Result(List.copyOf(primes), consumed.get(), maxInFlight.get(), bound);
  }

  /** Trial division by 2 and the odd numbers up to the square root: CPU work on purpose. */
  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
