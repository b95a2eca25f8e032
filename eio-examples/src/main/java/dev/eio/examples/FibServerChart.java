package dev.eio.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The fib server's table as a chart: speedup (with the ideal, speedup = domains) on the left
 * axis and requests/s on the right, against the number of domains, written as an SVG file by
 * JFreeChart and JFreeSVG (ADR 30).
 *
 * <p><b>Guarantees.</b> The chart shows exactly the rows it is given, speedups computed as in
 * {@link FibServer#table}: against the first row. The file is written whole or not at all (a
 * temporary file moved into place).
 *
 * <pre>{@code
 * FibServerChart.write(rows, Path.of("target/fib-server.svg"));
 * }</pre>
 */
final class FibServerChart {
  static final int WIDTH = 720;
  static final int HEIGHT = 420;

  private FibServerChart() {}

  /** The chart of {@code rows} (at least one). */
  static JFreeChart chart(List<FibServer.Row> rows) {
    long base = rows.get(0).wallNanos();
    XYSeries speedup = new XYSeries("speedup (wall time on 1 domain / wall time)");
    XYSeries ideal = new XYSeries("ideal speedup (= domains)");
    XYSeries perSecond = new XYSeries("requests/s (bars, right axis)");
    for (FibServer.Row r : rows) {
      speedup.add(r.domains(), (double) base / r.wallNanos());
      ideal.add(r.domains(), r.domains());
      perSecond.add(r.domains(), r.requestsPerSecond());
    }
    NumberAxis domains = new NumberAxis("domains");
    domains.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis speedupAxis = new NumberAxis("speedup");
    NumberAxis rateAxis = new NumberAxis("requests/s");
    rateAxis.setAutoRangeIncludesZero(true);

    XYLineAndShapeRenderer speedupLines = new XYLineAndShapeRenderer(true, true);
    speedupLines.setSeriesPaint(0, new Color(0x1f77b4));
    speedupLines.setSeriesPaint(1, Color.GRAY);
    speedupLines.setSeriesStroke(
        1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
    speedupLines.setSeriesShapesVisible(1, false);
    XYSeriesCollection speedups = new XYSeriesCollection();
    speedups.addSeries(speedup);
    speedups.addSeries(ideal);

    XYPlot plot = new XYPlot(speedups, domains, speedupAxis, speedupLines);
    // Bars under the lines: requests/s is proportional to the speedup (the same requests in less
    // time), so as a second line it would hide behind the first.
    XYSeriesCollection rates = new XYSeriesCollection(perSecond);
    rates.setIntervalWidth(0.5);
    XYBarRenderer rateBars = new XYBarRenderer();
    rateBars.setBarPainter(new StandardXYBarPainter());
    rateBars.setShadowVisible(false);
    rateBars.setSeriesPaint(0, new Color(0xfdd0a2));
    plot.setDataset(1, rates);
    plot.setRangeAxis(1, rateAxis);
    plot.mapDatasetToRangeAxis(1, 1);
    plot.setRenderer(1, rateBars);
    domains.setRange(0.5, rows.get(rows.size() - 1).domains() + 0.5);
    speedupAxis.setAutoRangeIncludesZero(true);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

    JFreeChart chart =
        new JFreeChart("fib server: speedup and requests/s by domains", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Writes the chart of {@code rows} to {@code file} as SVG, creating its directory. */
  static void write(List<FibServer.Row> rows, Path file) throws IOException {
    // Fonts and shapes only, no window: work where there is no display.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart(rows).draw(g, new Rectangle(WIDTH, HEIGHT));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, g.getSVGDocument(), StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
