package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ContextPropagationTest {
  /** Stands in for SLF4J's MDC or a tracer: a ThreadLocal registered with context-propagation. */
  static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

  static final ThreadLocalAccessor<String> ACCESSOR =
      new ThreadLocalAccessor<>() {
        @Override
        public Object key() {
          return "test.requestId";
        }

        @Override
        public String getValue() {
          return REQUEST_ID.get();
        }

        @Override
        public void setValue(String value) {
          REQUEST_ID.set(value);
        }

        @Override
        public void setValue() {
          REQUEST_ID.remove();
        }
      };

  @BeforeAll
  static void register() {
    ContextRegistry.getInstance().registerThreadLocalAccessor(ACCESSOR);
  }

  @AfterAll
  static void unregister() {
    ContextRegistry.getInstance().removeThreadLocalAccessor("test.requestId");
  }

  @Test
  void forkedFibersSeeTheForkersContext() {
    List<String> seen = new CopyOnWriteArrayList<>();
    REQUEST_ID.set("req-1");
    try {
      Switch.run(
          sw -> {
            sw.fork(() -> seen.add(REQUEST_ID.get()));
            sw.fork(() -> sw.fork(() -> seen.add(REQUEST_ID.get()))); // grandchild too
            sw.forkPromise(() -> seen.add(REQUEST_ID.get())).await();
          });
      Fiber.both(() -> seen.add(REQUEST_ID.get()), () -> seen.add(REQUEST_ID.get()));
    } finally {
      REQUEST_ID.remove();
    }
    assertEquals(List.of("req-1", "req-1", "req-1", "req-1", "req-1"), seen);
  }

  @Test
  void aChildsChangesNeverLeakToSiblingsOrParent() {
    List<String> sibling = new CopyOnWriteArrayList<>();
    REQUEST_ID.set("parent");
    try {
      Switch.run(
          sw -> {
            java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
            sw.fork(
                () -> {
                  REQUEST_ID.set("child's own");
                  changed.countDown();
                });
            sw.fork(
                () -> {
                  changed.await();
                  sibling.add(REQUEST_ID.get());
                });
          });
      assertEquals("parent", REQUEST_ID.get());
    } finally {
      REQUEST_ID.remove();
    }
    assertEquals(List.of("parent"), sibling);
  }

  @Test
  void domainSectionsForkJoinTasksAndExecutorJobsSeeTheCallersContext() {
    List<String> seen = new CopyOnWriteArrayList<>();
    REQUEST_ID.set("req-cpu");
    try {
      Switch.run(
          sw -> {
            var domains = dev.eio.parallel.DomainManager.create(sw, 2);
            domains.run(
                () -> {
                  seen.add(REQUEST_ID.get()); // the section, on a pool thread
                  Fiber.both(
                      () -> seen.add(REQUEST_ID.get()), () -> seen.add(REQUEST_ID.get()));
                });
            var pool = dev.eio.parallel.ExecutorPool.create(sw, domains, 1);
            pool.submit(0.5, () -> seen.add(REQUEST_ID.get()));
          });
    } finally {
      REQUEST_ID.remove();
    }
    assertEquals(List.of("req-cpu", "req-cpu", "req-cpu", "req-cpu"), seen);
  }

  @Test
  void nothingIsCapturedWhenNothingIsSet() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Switch.run(sw -> sw.fork(() -> seen.add(String.valueOf(REQUEST_ID.get()))));
    assertEquals(List.of("null"), seen);
  }
}
