package dev.eio.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.IntervalBarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.category.DefaultIntervalCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws BENCHMARKS.md's charts: one SVG per benchmark (B1, B2, ...) from {@code
 * docs/bench/results.csv}, each measure a bar from the lowest to the highest run, a dot at the
 * median (or the one figure), a mark at the target and a line at parity (1.0). Run by {@code
 * docs/bench/charts}; the library choice is ADR 30.
 *
 * <p>The CSV's columns: {@code bench,measure,better,target,low,median,high,source}; {@code better}
 * is {@code lower} or {@code higher}; numbers may be empty (no target, no range, no median) but
 * each row has a median or a range; {@code source} says where in BENCHMARKS.md the figures come
 * from. Fields may be quoted with {@code "}.
 *
 * <pre>{@code
 * BenchCharts.main("docs/bench/results.csv", "docs/bench");   // writes docs/bench/B1.svg, ...
 * }</pre>
 */
public final class BenchCharts {
  private static final int WIDTH = 960;

  private BenchCharts() {}

  /** One row of the CSV; {@code target}, {@code low}, {@code median}, {@code high} may be null. */
  record Measure(
      String bench, String measure, boolean lowerIsBetter, Double target, Double low, Double median, Double high) {
    Measure {
      if (median == null && (low == null || high == null)) {
        throw new IllegalArgumentException(bench + " '" + measure + "': needs a median or a low and a high");
      }
      if (low != null && high != null && low > high) {
        throw new IllegalArgumentException(bench + " '" + measure + "': low " + low + " > high " + high);
      }
    }

    String label() {
      return measure + (lowerIsBetter ? " (lower is better)" : " (higher is better)");
    }
  }

  public static void main(String... args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: BenchCharts <results.csv> <output directory>");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Measure>> byBench = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    for (Map.Entry<String, List<Measure>> e : byBench.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".svg");
      Files.writeString(file, svg(e.getKey(), e.getValue()), StandardCharsets.UTF_8);
      System.out.println("wrote " + file + " (" + e.getValue().size() + " measures)");
    }
  }

  /** The measures of {@code lines} (a header line first), grouped by benchmark in file order. */
  static Map<String, List<Measure>> parse(List<String> lines) {
    List<String> header = fields(lines.get(0));
    if (!header.equals(List.of("bench", "measure", "better", "target", "low", "median", "high", "source"))) {
      throw new IllegalArgumentException("unexpected header: " + lines.get(0));
    }
    Map<String, List<Measure>> byBench = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> f = fields(lines.get(i));
      if (f.size() != header.size()) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + f.size() + " fields, expected " + header.size());
      }
      if (!f.get(2).equals("lower") && !f.get(2).equals("higher")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": better must be lower or higher, got '" + f.get(2) + "'");
      }
      Measure m =
          new Measure(
              f.get(0), f.get(1), f.get(2).equals("lower"), number(f.get(3)), number(f.get(4)), number(f.get(5)), number(f.get(6)));
      byBench.computeIfAbsent(m.bench(), b -> new ArrayList<>()).add(m);
    }
    return byBench;
  }

  /** The fields of one CSV line; a quoted field may hold commas and doubled quotes. */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    fields.add(cur.toString());
    return fields;
  }

  private static Double number(String field) {
    return field.isBlank() ? null : Double.valueOf(field.strip());
  }

  /** The chart of one benchmark's measures. */
  static JFreeChart chart(String bench, List<Measure> measures) {
    String[] categories = measures.stream().map(Measure::label).toArray(String[]::new);
    Number[][] starts = new Number[1][measures.size()];
    Number[][] ends = new Number[1][measures.size()];
    DefaultCategoryDataset points = new DefaultCategoryDataset();
    for (int i = 0; i < measures.size(); i++) {
      Measure m = measures.get(i);
      starts[0][i] = m.low();
      ends[0][i] = m.high();
      points.addValue(m.median(), "median (or the one figure)", categories[i]);
      points.addValue(m.target(), "target", categories[i]);
    }
    DefaultIntervalCategoryDataset ranges =
        new DefaultIntervalCategoryDataset(new String[] {"lowest to highest run"}, categories, starts, ends);

    CategoryAxis axis = new CategoryAxis();
    axis.setMaximumCategoryLabelWidthRatio(0.5f);
    axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    NumberAxis ratio = new NumberAxis("ratio, ours / baseline");
    IntervalBarRenderer bars = new IntervalBarRenderer();
    bars.setSeriesPaint(0, new Color(0x9ecae1));
    bars.setShadowVisible(false);
    bars.setBarPainter(new StandardBarPainter());
    bars.setMaximumBarWidth(0.35);
    CategoryPlot plot = new CategoryPlot(ranges, axis, ratio, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    LineAndShapeRenderer dots = new LineAndShapeRenderer(false, true);
    dots.setSeriesPaint(0, new Color(0x08519c));
    dots.setSeriesPaint(1, new Color(0xd62728));
    dots.setSeriesShape(0, new Ellipse2D.Double(-5, -5, 10, 10));
    dots.setSeriesShape(1, new Rectangle(-2, -9, 4, 18));
    plot.setDataset(1, points);
    plot.setRenderer(1, dots);
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // the dots over the bars
    ValueMarker parity = new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
    plot.addRangeMarker(parity);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

    JFreeChart chart = new JFreeChart(bench, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.addSubtitle(new TextTitle("dashed line: parity (1.0); red mark: target; from docs/bench/results.csv"));
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The SVG document of one benchmark's chart; the same measures give the same bytes. */
  static String svg(String bench, List<Measure> measures) {
    int height = 150 + 55 * measures.size();
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
    g.setDefsKeyPrefix(bench); // ids from the name, not the clock: a redraw of the same data is no diff
    chart(bench, measures).draw(g, new Rectangle(WIDTH, height));
    return g.getSVGDocument();
  }
}
