package dev.eio.metrics;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Fiber;
import dev.eio.Switch;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EioMetricsTest {

  @Test
  void eachMeterMovesWhenWhatItCountsHappens() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new EioMetrics(List.of(Tag.of("app", "test"))).bindTo(registry);
    double started = count(registry, "eio.fibers.started");
    double failed = count(registry, "eio.fibers.failed");
    double cancellations = count(registry, "eio.cancellations");
    double activeBefore = gauge(registry, "eio.fibers.active");
    double switchesBefore = gauge(registry, "eio.switches.active");

    CountDownLatch running = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    double[] during = new double[2];
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            sw.fork(
                () -> {
                  running.countDown();
                  release.await();
                });
          }
          running.await();
          during[0] = gauge(registry, "eio.fibers.active");
          during[1] = gauge(registry, "eio.switches.active");
          release.countDown();
        });
    assertTrue(during[0] >= activeBefore + 3, "active fibers while running: " + during[0]);
    assertTrue(during[1] >= switchesBefore + 1, "active switches while open: " + during[1]);
    assertTrue(count(registry, "eio.fibers.started") >= started + 3);

    assertThrows(
        RuntimeException.class,
        () ->
            Switch.run(
                sw ->
                    sw.fork(
                        () -> {
                          throw new RuntimeException("x");
                        })));
    assertTrue(count(registry, "eio.fibers.failed") >= failed + 1);
    assertTrue(count(registry, "eio.cancellations") >= cancellations + 1);
    assertThrows(
        dev.eio.Cancelled.class,
        () ->
            Cancel.sub(
                c -> {
                  c.cancel(null);
                  Fiber.check();
                }));
    assertTrue(count(registry, "eio.cancellations") >= cancellations + 2);
    assertEquals("test", registry.get("eio.fibers.started").meter().getId().getTag("app"));
  }

  @Test
  void domainAndExecutorPoolMetersFollowTheirLoad() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Switch.run(
        sw -> {
          dev.eio.parallel.DomainManager domains = dev.eio.parallel.DomainManager.create(sw, 2);
          dev.eio.parallel.ExecutorPool pool = dev.eio.parallel.ExecutorPool.create(sw, domains, 1);
          new EioMetrics()
              .withDomains("cpu", domains)
              .withExecutorPool("jobs", pool)
              .bindTo(registry);
          assertThrows(
              IllegalArgumentException.class,
              () -> new EioMetrics().withDomains("cpu", domains).withDomains("cpu", domains));
          CountDownLatch inSection = new CountDownLatch(1);
          CountDownLatch release = new CountDownLatch(1);
          sw.fork(
              () ->
                  pool.submit(
                      1.0,
                      () -> {
                        inSection.countDown();
                        release.await();
                        return null;
                      }));
          inSection.await();
          org.awaitility.Awaitility.await()
              .until(() -> registry.get("eio.domains.running").tag("name", "cpu").gauge().value() >= 1);
          assertEquals(1.0, registry.get("eio.executor.running").tag("name", "jobs").gauge().value());
          assertEquals(1.0, registry.get("eio.executor.load").tag("name", "jobs").gauge().value());
          // a second job waits behind the first: the whole worker is taken
          sw.fork(() -> pool.submit(0.5, () -> null));
          org.awaitility.Awaitility.await()
              .until(() -> registry.get("eio.executor.queued").tag("name", "jobs").gauge().value() == 1);
          release.countDown();
        });
    assertEquals(0.0, registry.get("eio.executor.running").tag("name", "jobs").gauge().value());
    assertTrue(registry.get("eio.domains.steals").tag("name", "cpu").functionCounter().count() >= 0);
  }

  @Test
  void theChannelDepthGaugeFollowsTheBufferedItems() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    dev.eio.Channel<String> jobs = dev.eio.Channel.create(8);
    new EioMetrics().withChannel("jobs", jobs).bindTo(registry);
    assertEquals(0.0, registry.get("eio.channel.depth").tag("name", "jobs").gauge().value());
    jobs.send("a");
    jobs.send("b");
    assertEquals(2.0, registry.get("eio.channel.depth").tag("name", "jobs").gauge().value());
    jobs.receive();
    assertEquals(1.0, registry.get("eio.channel.depth").tag("name", "jobs").gauge().value());
  }

  private static double count(SimpleMeterRegistry r, String name) {
    return r.get(name).functionCounter().count();
  }

  private static double gauge(SimpleMeterRegistry r, String name) {
    return r.get(name).gauge().value();
  }
}
