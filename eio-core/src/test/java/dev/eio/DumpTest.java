package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DumpTest {

  @Test
  void theDumpShowsSwitchesFibersTheirStateAndAge() {
    Promise<Void> release = Promise.create();
    CountDownLatch parked = new CountDownLatch(2);
    String[] dump = new String[2];
    Switch.run(
        "outer",
        outer -> {
          outer.fork(
              () ->
                  Switch.run(
                      "inner",
                      inner -> {
                        parked.countDown();
                        release.await();
                      }));
          outer.fork(
              () -> {
                parked.countDown();
                release.await();
              });
          parked.await();
          org.awaitility.Awaitility.await()
              .until(() -> outer.dump().split("blocked in dev.eio.Promise.await", -1).length == 3);
          // outer/1 runs the inner switch's body, so it is listed in the inner switch.
          dump[0] = outer.dump();
          dump[1] = Eio.dump();
          release.resolve(null);
        });
    // Each blocked fiber is shown with the test's own frame that made the call.
    assertEquals(
        3, dump[0].split(", called from dev.eio.DumpTest.lambda\\$", -1).length, dump[0]);
    String d = dump[0].replaceAll(", called from [^ ]+", "")
        .replaceAll("\\(\\d+ms\\)|\\(\\d+\\.\\d+s\\)", "(AGE)")
        .replaceAll("open, \\d+ms|open, \\d+\\.\\d+s", "open, AGE");
    String expected =
        """
        switch outer (open, AGE)
          fiber Test worker: running (AGE)
          fiber outer/2: blocked in dev.eio.Promise.await (AGE)
          switch inner (open, AGE)
            fiber outer/1: blocked in dev.eio.Promise.await (AGE)
        """;
    // The order of outer/1 and outer/2 follows their start times: normalise it.
    assertEquals(sortedBlock(expected), sortedBlock(d.replace(Thread.currentThread().getName(), "Test worker")));
    assertTrue(dump[1].contains("root " + Thread.currentThread().getName()), dump[1]);
    assertTrue(dump[1].contains("  switch outer (open, "), dump[1]);
  }

  @Test
  void aCancelledFiberIsShownCancelling() {
    CountDownLatch parked = new CountDownLatch(1);
    String[] dump = new String[1];
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                "c",
                sw -> {
                  sw.fork(
                      () -> {
                        try {
                          parked.countDown();
                          Fiber.awaitCancel();
                        } finally {
                          Cancel.protect(
                              () -> {
                                dump[0] = sw.dump();
                              });
                        }
                      });
                  parked.await();
                  sw.fail(new Cancelled("stop"));
                }));
    assertTrue(dump[0].startsWith("switch c (open, "), dump[0]);
    assertTrue(dump[0].contains("[cancelled]"), dump[0]);
  }

  /**
   * A fiber is in its switch's context from the moment {@code fork} returns, before its thread
   * has run (the forker joins it, ADR 39): a dump taken right after the forks lists every one,
   * and a cancellation at that point reaches every one.
   */
  @Test
  void aForkedFiberIsListedAndCancellableAsSoonAsForkReturns() {
    int n = 200;
    Promise<Void> never = Promise.create();
    java.util.concurrent.atomic.AtomicInteger cancelled = new java.util.concurrent.atomic.AtomicInteger();
    String[] dump = new String[1];
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                "early",
                sw -> {
                  for (int i = 0; i < n; i++) {
                    sw.fork(
                        () -> {
                          try {
                            never.await();
                          } catch (Cancelled c) {
                            cancelled.incrementAndGet();
                            throw c;
                          }
                        });
                  }
                  dump[0] = sw.dump();
                  sw.fail(new Cancelled("stop"));
                }));
    for (int i = 1; i <= n; i++) {
      assertTrue(dump[0].contains("fiber early/" + i + ": "), "early/" + i + " missing:\n" + dump[0]);
    }
    assertEquals(n, cancelled.get());
  }

  private static String sortedBlock(String s) {
    return String.join("\n", s.lines().map(String::stripTrailing).sorted().toList());
  }
}
