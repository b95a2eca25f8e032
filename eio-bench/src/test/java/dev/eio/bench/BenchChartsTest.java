package dev.eio.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BENCHMARKS.md's charts: the CSV they come from, and the SVGs drawn from it. */
class BenchChartsTest {
  private static final Path RESULTS = Path.of("..", "docs", "bench", "results.csv");

  @Test
  void theResultsCoverEveryBenchmarkAndEachChartShowsEveryMeasure() throws Exception {
    Map<String, List<BenchCharts.Measure>> byBench =
        BenchCharts.parse(Files.readAllLines(RESULTS, StandardCharsets.UTF_8));
    assertEquals(
        List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10"), List.copyOf(byBench.keySet()));
    for (var e : byBench.entrySet()) {
      String svg = BenchCharts.svg(e.getKey(), e.getValue());
      assertEquals(svg, BenchCharts.svg(e.getKey(), e.getValue()), "the same data draws the same bytes");
      // The committed chart (docs/bench/charts was run after results.csv changed) shows every
      // measure; its bytes depend on the fonts of the machine that drew it, so only its text is
      // compared.
      String committed =
          Files.readString(RESULTS.resolveSibling(e.getKey() + ".svg"), StandardCharsets.UTF_8);
      for (BenchCharts.Measure m : e.getValue()) {
        String start = m.measure().substring(0, Math.min(20, m.measure().length()));
        assertTrue(svg.contains(start), e.getKey() + " draws " + m);
        assertTrue(committed.contains(start), e.getKey() + ".svg is stale, run docs/bench/charts: " + m);
      }
    }
  }

  @Test
  void mainWritesOneSvgPerBenchmark(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("r.csv");
    Files.writeString(
        csv,
        """
        bench,measure,better,target,low,median,high,source
        X1,"a, quoted",lower,1.2,0.9,1.0,1.3,"run ""one"" more"
        X1,single,higher,,,2.5,,
        X2,range only,higher,1.0,0.5,,0.7,
        """);
    BenchCharts.main(csv.toString(), dir.resolve("out").toString());
    assertTrue(Files.readString(dir.resolve("out/X1.svg")).contains("a, quoted (lower is better)"));
    assertTrue(Files.readString(dir.resolve("out/X2.svg")).contains("range only (higher is better)"));
  }

  @Test
  void badRowsAreNamed() {
    assertEquals(List.of("a", "b,c", "d\"e", ""), BenchCharts.fields("a,\"b,c\",\"d\"\"e\","));
    String header = "bench,measure,better,target,low,median,high,source";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchCharts.parse(List.of(header, "B1,m,faster,1,,1,,")));
    assertEquals("line 2: better must be lower or higher, got 'faster'", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchCharts.parse(List.of(header, "B1,m,lower,1,0.5,,,")));
    assertEquals("B1 'm': needs a median or a low and a high", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BenchCharts.parse(List.of(header, "B1,m")));
    assertEquals("line 2: 2 fields, expected 8", e.getMessage());
  }
}
