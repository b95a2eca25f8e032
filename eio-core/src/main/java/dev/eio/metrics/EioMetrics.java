package dev.eio.metrics;

import dev.eio.internal.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Publishes eio's process-wide activity to a Micrometer registry: fibers started, active and
 * failed, switches active, cancellations delivered.
 *
 * <p>Meters read eio's own counters when the registry is scraped; binding costs forks nothing.
 * Names follow Micrometer's conventions (dot-separated lower case, base units):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code eio.fibers.started}</td><td>counter</td><td>fibers started</td></tr>
 *   <tr><td>{@code eio.fibers.active}</td><td>gauge</td><td>fibers running now</td></tr>
 *   <tr><td>{@code eio.fibers.failed}</td><td>counter</td><td>fibers, switch bodies and hooks
 *       that failed with a real exception</td></tr>
 *   <tr><td>{@code eio.switches.active}</td><td>gauge</td><td>switches open now</td></tr>
 *   <tr><td>{@code eio.cancellations}</td><td>counter</td><td>cancellation contexts
 *       cancelled</td></tr>
 * </table>
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * new EioMetrics().bindTo(registry);
 * }</pre>
 */
public final class EioMetrics implements MeterBinder {
  private final List<Tag> tags;

  /** A binder with no extra tags. */
  public EioMetrics() {
    this(List.of());
  }

  /** A binder adding {@code tags} to every meter. */
  public EioMetrics(Iterable<Tag> tags) {
    this.tags = List.copyOf(toList(tags));
  }

  private static List<Tag> toList(Iterable<Tag> tags) {
    java.util.ArrayList<Tag> out = new java.util.ArrayList<>();
    tags.forEach(out::add);
    return out;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "eio.fibers.started", "Fibers started", Stats.FIBERS_STARTED);
    counter(
        registry,
        "eio.fibers.failed",
        "Fibers, switch bodies and release hooks that failed with an exception",
        Stats.FIBERS_FAILED);
    counter(
        registry, "eio.cancellations", "Cancellation contexts cancelled", Stats.CANCELLATIONS);
    gauge(
        registry,
        "eio.fibers.active",
        "Fibers running now",
        s -> Stats.FIBERS_STARTED.sum() - Stats.FIBERS_ENDED.sum());
    gauge(
        registry,
        "eio.switches.active",
        "Switches open now",
        s -> Stats.SWITCHES_OPENED.sum() - Stats.SWITCHES_CLOSED.sum());
  }

  private void counter(MeterRegistry r, String name, String help, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(help).tags(tags).register(r);
  }

  private void gauge(MeterRegistry r, String name, String help, ToDoubleFunction<Object> f) {
    Gauge.builder(name, Stats.class, c -> f.applyAsDouble(c))
        .description(help)
        .tags(tags)
        .register(r);
  }
}
