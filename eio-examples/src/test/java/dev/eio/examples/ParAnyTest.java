package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.DomainManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParAnyTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 20);

  private static ParAny.Result runOn(
      int domains, int count, long start, int bound, ByteArrayOutputStream out) {
    return Eio.call(
        env ->
            Switch.call(
                sw ->
                    ParAny.run(
                        DomainManager.create(sw, domains),
                        count,
                        start,
                        bound,
                        new PrintStream(out, true, StandardCharsets.UTF_8))));
  }

  /** The first {@code count} primes from {@code start} on, the slow obvious way. */
  private static List<Long> firstPrimes(int count, long start) {
    List<Long> primes = new ArrayList<>();
    for (long n = start; primes.size() < count; n++) {
      boolean prime = n >= 2;
      for (long d = 2; prime && d * d <= n; d++) {
        prime = n % d != 0;
      }
      if (prime) {
        primes.add(n);
      }
    }
    return primes;
  }

  @Test
  void theConsumerGetsTheFirstPrimesInOrderWithinTheBound() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParAny.Result r = runOn(2, 300, 1_000_000, 32, out);
    assertEquals(firstPrimes(300, 1_000_000), r.primes());
    assertTrue(r.maxInFlight() <= 32, "in flight " + r.maxInFlight());
    assertTrue(r.checked() >= r.primes().size());
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(10, text.lines().filter(l -> l.contains(" numbers checked, largest ")).count(), text);
    assertTrue(text.contains("found 300 primes in " + r.checked() + " numbers"), text);
  }

  @Test
  void fromTwoTheEvenPrimeIsIncluded() {
    assertEquals(
        List.of(2L, 3L, 5L, 7L, 11L), runOn(1, 5, 2, 16, new ByteArrayOutputStream()).primes());
  }

  @Test
  void randomRunsNeverExceedTheBoundNorSkipOrRepeatAPrime() {
    Random rnd = new Random(11);
    for (int i = 0; i < ITERATIONS; i++) {
      int count = 1 + rnd.nextInt(60);
      long start = 2 + rnd.nextInt(2_000_000);
      int bound = 16 + rnd.nextInt(100);
      int domains = 1 + rnd.nextInt(2);
      ParAny.Result r = runOn(domains, count, start, bound, new ByteArrayOutputStream());
      String what = count + " primes from " + start + ", bound " + bound + ", " + domains + " domains";
      assertEquals(firstPrimes(count, start), r.primes(), what);
      assertTrue(r.maxInFlight() <= bound, what + ": in flight " + r.maxInFlight());
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheirValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> runOn(1, 5, 2, 8, new ByteArrayOutputStream()));
    assertEquals("bound must be >= 16 (the chunk size), got 8", e.getMessage());
  }

  @Test
  void isPrimeIsRight() {
    assertFalse(ParAny.isPrime(1));
    assertTrue(ParAny.isPrime(2));
    assertFalse(ParAny.isPrime(9));
    assertTrue(ParAny.isPrime(1_000_000_007L));
    assertFalse(ParAny.isPrime(1_000_000_007L * 3));
  }
}
