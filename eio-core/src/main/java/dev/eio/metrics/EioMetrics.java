package dev.eio.metrics;

import dev.eio.Channel;
import dev.eio.internal.Stats;
import dev.eio.parallel.DomainManager;
import dev.eio.parallel.ExecutorPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *   <tr><td>{@code eio.fibers.started}</td><td>counter</td><td>fibers started (a switch adds
 *       its forks in batches of 64 while it is open, and the rest when it finishes)</td></tr>
 *   <tr><td>{@code eio.fibers.active}</td><td>gauge</td><td>fibers running now</td></tr>
 *   <tr><td>{@code eio.fibers.failed}</td><td>counter</td><td>fibers, switch bodies and hooks
 *       that failed with a real exception</td></tr>
 *   <tr><td>{@code eio.switches.active}</td><td>gauge</td><td>switches open now</td></tr>
 *   <tr><td>{@code eio.cancellations}</td><td>counter</td><td>cancellation contexts
 *       cancelled</td></tr>
 *   <tr><td>{@code eio.domains.running}</td><td>gauge</td><td>domains running work now (tag
 *       {@code name})</td></tr>
 *   <tr><td>{@code eio.domains.queued}</td><td>gauge</td><td>sections and tasks waiting for a
 *       domain</td></tr>
 *   <tr><td>{@code eio.domains.steals}</td><td>counter</td><td>tasks stolen between
 *       domains</td></tr>
 *   <tr><td>{@code eio.executor.running}</td><td>gauge</td><td>executor-pool jobs running (tag
 *       {@code name})</td></tr>
 *   <tr><td>{@code eio.executor.queued}</td><td>gauge</td><td>executor-pool jobs
 *       waiting</td></tr>
 *   <tr><td>{@code eio.executor.load}</td><td>gauge</td><td>weight of the running jobs per
 *       worker, 0 to 1</td></tr>
 *   <tr><td>{@code eio.channel.depth}</td><td>gauge</td><td>items buffered in a named channel
 *       (tag {@code name})</td></tr>
 * </table>
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * Eio.run(env -> {
 *   new EioMetrics().withDomains("main", env.domains()).bindTo(registry);
 *   ...
 * });
 * }</pre>
 */
public final class EioMetrics implements MeterBinder {
  private final List<Tag> tags;
  private final Map<String, DomainManager> domains;
  private final Map<String, ExecutorPool> pools;
  private final Map<String, Channel<?>> channels;

  /** A binder with no extra tags. */
  public EioMetrics() {
    this(List.of());
  }

  /** A binder adding {@code tags} to every meter. */
  public EioMetrics(Iterable<Tag> tags) {
    this(List.copyOf(toList(tags)), Map.of(), Map.of(), Map.of());
  }

  private EioMetrics(
      List<Tag> tags,
      Map<String, DomainManager> domains,
      Map<String, ExecutorPool> pools,
      Map<String, Channel<?>> channels) {
    this.tags = tags;
    this.domains = domains;
    this.pools = pools;
    this.channels = channels;
  }

  /** A binder that also publishes the load of {@code manager}, tagged {@code name=<name>}. */
  public EioMetrics withDomains(String name, DomainManager manager) {
    return new EioMetrics(tags, with(domains, name, manager), pools, channels);
  }

  /** A binder that also publishes the load of {@code pool}, tagged {@code name=<name>}. */
  public EioMetrics withExecutorPool(String name, ExecutorPool pool) {
    return new EioMetrics(tags, domains, with(pools, name, pool), channels);
  }

  /**
   * A binder that also publishes how many items {@code channel} holds, tagged {@code
   * name=<name>}. The channel is held strongly: bind channels that live as long as the registry.
   */
  public EioMetrics withChannel(String name, Channel<?> channel) {
    return new EioMetrics(tags, domains, pools, with(channels, name, channel));
  }

  private static <V> Map<String, V> with(Map<String, V> m, String name, V v) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(v, "the object to measure");
    if (m.containsKey(name)) {
      throw new IllegalArgumentException("name '" + name + "' is already bound");
    }
    Map<String, V> copy = new LinkedHashMap<>(m);
    copy.put(name, v);
    return Collections.unmodifiableMap(copy);
  }

  private static List<Tag> toList(Iterable<Tag> tags) {
    List<Tag> out = new ArrayList<>();
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
        s -> Stats.liveFibers());
    gauge(
        registry,
        "eio.switches.active",
        "Switches open now",
        s -> Stats.SWITCHES_OPENED.sum() - Stats.SWITCHES_CLOSED.sum());
    domains.forEach(
        (name, d) -> {
          List<Tag> t = named(name);
          Gauge.builder("eio.domains.running", d, m -> m.load().running())
              .description("Domains running a section or a fork/join task")
              .tags(t)
              .register(registry);
          Gauge.builder("eio.domains.queued", d, m -> m.load().queued())
              .description("Sections and tasks waiting for a domain")
              .tags(t)
              .register(registry);
          FunctionCounter.builder("eio.domains.steals", d, m -> m.load().steals())
              .description("Tasks taken from another domain's queue")
              .tags(t)
              .register(registry);
        });
    pools.forEach(
        (name, p) -> {
          List<Tag> t = named(name);
          Gauge.builder("eio.executor.running", p, x -> x.load().running())
              .description("Executor-pool jobs running")
              .tags(t)
              .register(registry);
          Gauge.builder("eio.executor.queued", p, x -> x.load().queued())
              .description("Executor-pool jobs waiting for a worker")
              .tags(t)
              .register(registry);
          Gauge.builder("eio.executor.load", p, x -> x.load().weight() / x.load().workers())
              .description("Weight of the running jobs per worker, 0 to 1")
              .tags(t)
              .register(registry);
        });
    bindChannels(registry);
  }

  private void bindChannels(MeterRegistry registry) {
    channels.forEach(
        (name, c) ->
            Gauge.builder("eio.channel.depth", c, Channel::size)
                .description("Items buffered in the channel")
                .baseUnit("items")
                .tags(named(name))
                .register(registry));
  }

  private List<Tag> named(String name) {
    List<Tag> t = new ArrayList<>(tags);
    t.add(Tag.of("name", name));
    return t;
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
