package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.DomainManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParMapTest {

  private static ParMap.Result runOn(int domains, int items, long seed, ByteArrayOutputStream out) {
    return Eio.call(
        env ->
            Switch.call(
                sw ->
                    ParMap.run(
                        DomainManager.create(sw, domains),
                        items,
                        seed,
                        new PrintStream(out, true, StandardCharsets.UTF_8))));
  }

  @Test
  void theParallelMapEqualsTheSequentialOneAndTheFoldsAgree() {
    int items = 20_000;
    List<Long> data = ParMap.dataSet(items, 7);
    long total = data.stream().mapToLong(ParMap::collatzSteps).sum();
    int longestSteps = data.stream().mapToInt(ParMap::collatzSteps).max().orElseThrow();
    long longest =
        data.stream().filter(x -> ParMap.collatzSteps(x) == longestSteps).findFirst().orElseThrow();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParMap.Result r = runOn(2, items, 7, out);
    assertTrue(r.sameAsSequential(), out.toString(StandardCharsets.UTF_8));
    assertEquals(total, r.totalSteps());
    assertEquals(longestSteps, r.longestSteps());
    assertEquals(longest, r.longest(), "the first item with the longest chain");
    assertEquals(items / 2, r.failedIndex(), "the failing item is named");
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("same results in the same order"), text);
    assertTrue(text.contains("a failing item: item 10000 ("), text);
  }

  @Test
  void oneDomainGivesTheSameAnswers() {
    ParMap.Result two = runOn(2, 5_000, 3, new ByteArrayOutputStream());
    ParMap.Result one = runOn(1, 5_000, 3, new ByteArrayOutputStream());
    assertTrue(one.sameAsSequential());
    assertEquals(
        List.of(two.longest(), two.longestSteps(), two.totalSteps()),
        List.of(one.longest(), one.longestSteps(), one.totalSteps()));
  }

  @Test
  void theDataSetIsReproducibleAndInRange() {
    assertEquals(ParMap.dataSet(1000, 5), ParMap.dataSet(1000, 5));
    assertNotEquals(ParMap.dataSet(1000, 5), ParMap.dataSet(1000, 6));
    assertTrue(ParMap.dataSet(1000, 5).stream().allMatch(x -> x >= 1 && x <= ParMap.MAX_VALUE));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ParMap.dataSet(0, 1));
    assertEquals("items must be >= 1, got 0", e.getMessage());
  }

  @Test
  void collatzStepsAreTheKnownOnes() {
    assertEquals(0, ParMap.collatzSteps(1));
    assertEquals(111, ParMap.collatzSteps(27));
    assertEquals(524, ParMap.collatzSteps(837_799)); // the longest below one million
  }
}
