package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.metrics.EioMetrics;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A small service that handles requests in fibers with a request id in the SLF4J MDC: the id
 * shows up in every log line of every fiber the request forks, because eio carries the MDC into
 * forks (through Micrometer's context-propagation). Metrics are printed at the end.
 *
 * <p>Run: {@code ./eio-run ObservedService}
 */
public final class ObservedService {
  private static final Logger log = LoggerFactory.getLogger(ObservedService.class);

  private ObservedService() {}

  public static void main(String[] args) {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    SimpleMeterRegistry registry = serve(requests);
    System.out.println("metrics:");
    registry.getMeters().stream()
        .sorted(Comparator.comparing(m -> m.getId().getName()))
        .forEach(ObservedService::print);
  }

  /** Handles {@code requests} requests concurrently; returns the registry eio reported to. */
  public static SimpleMeterRegistry serve(int requests) {
    // Once per application: let eio carry the whole MDC into every fork.
    ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new EioMetrics().bindTo(registry);
    Eio.run(
        env ->
            Switch.run(
                "service",
                sw -> {
                  for (int i = 1; i <= requests; i++) {
                    String id = "req-" + i;
                    sw.fork(() -> handle(id));
                  }
                }));
    return registry;
  }

  private static void handle(String requestId) {
    MDC.put("requestId", requestId);
    try {
      log.info("request received");
      var loaded =
          Fiber.pair(
              () -> {
                log.info("loading the user");
                return "user-" + requestId.substring(4);
              },
              () -> {
                log.info("loading the orders");
                return requestId.length();
              });
      Switch.run(
          "audit-" + requestId,
          sw -> sw.fork(() -> log.info("writing the audit record")));
      log.info("request done: {} has {} orders", loaded.first(), loaded.second());
    } finally {
      MDC.remove("requestId");
    }
  }

  private static void print(Meter m) {
    m.measure()
        .forEach(
            ms ->
                System.out.printf(
                    "  %-22s %-6s %.0f%n",
                    m.getId().getName(), ms.getStatistic().name().toLowerCase(), ms.getValue()));
  }
}
