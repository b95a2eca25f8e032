package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's lib_eio/tests/sync.md, case by case (all five cases). Eio's "before yield / after yield"
 * states come from its scheduler running the forked fiber only when the caller yields; fibers
 * run in parallel here, so the test waits for the state Eio reaches after the yield.
 */
@Timeout(30)
class EioSyncConformanceTest {

  /** sync.md, "Create a promise, fork a thread waiting for it, then fulfull it". */
  @Test
  void aFiberAwaitingAPromiseGetsItsValue() {
    Switch.run(
        sw -> {
          Promise<String> p = Promise.create();
          assertFalse(p.isResolved());
          Promise<String> thread = sw.forkPromise(p::await);
          p.resolve("ok");
          assertEquals(Optional.of("ok"), p.peek());
          Waits.until(thread::isResolved);
          assertEquals(Optional.of("ok"), thread.peek());
          assertEquals("ok", thread.await());
        });
  }

  /** sync.md, "Create a promise, fork a thread waiting for it, then break it". */
  @Test
  void aFiberAwaitingABrokenPromiseFails() {
    IllegalStateException test = new IllegalStateException("test");
    // As in Eio, the failure goes to the forked fiber's promise, not to the switch.
    Switch.run(
        sw -> {
          Promise<String> p = Promise.create();
          Promise<String> thread = sw.forkPromise(p::await);
          p.fail(test);
          assertSame(test, assertThrows(IllegalStateException.class, p::peek));
          Waits.until(thread::isResolved);
          assertSame(test, assertThrows(IllegalStateException.class, thread::await));
        });
  }

  /** sync.md, "Some simple tests of fork". */
  @Test
  void forkedCodeRunsBeforeTheSwitchEnds() {
    AtomicInteger i = new AtomicInteger();
    Switch.run(sw -> sw.fork(i::incrementAndGet));
    assertEquals(1, i.get());
    Promise<Void> p1 = Promise.create();
    RuntimeException exit = new RuntimeException("Exit");
    assertSame(
        exit,
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(
                          () -> {
                            p1.await();
                            i.incrementAndGet();
                            throw exit;
                          });
                      assertEquals(1, i.get(), "Forked code waiting; i is still 1");
                      p1.resolve(null);
                    })));
    assertEquals(2, i.get());
  }

  /** sync.md, "Basic semaphore tests": two of four run; each release lets one more run. */
  @Test
  void aSemaphoreLetsTwoOfFourRun() {
    Switch.run(
        sw -> {
          AtomicInteger running = new AtomicInteger();
          Semaphore sem = new Semaphore(2);
          List<Promise<Integer>> fibers =
              List.of(1, 2, 3, 4).stream()
                  .map(
                      x ->
                          sw.forkPromise(
                              () -> {
                                sem.acquire();
                                return running.incrementAndGet();
                              }))
                  .toList();
          Waits.until(() -> running.get() == 2);
          assertEquals(0, sem.available());
          long done = fibers.stream().filter(Promise::isResolved).count();
          assertEquals(2, done, "only two threads are running");
          running.decrementAndGet();
          sem.release();
          assertTrue(running.get() <= 2);
          Waits.until(() -> running.get() == 2);
          running.decrementAndGet();
          sem.release();
          for (Promise<Integer> f : fibers) {
            f.await();
          }
          running.decrementAndGet();
          sem.release();
          running.decrementAndGet();
          sem.release();
          assertEquals(0, running.get());
          assertEquals(2, sem.available());
        });
  }

  /** sync.md, "Releasing a semaphore when no-one is waiting for it". */
  @Test
  void releasingWithAndWithoutWaiters() {
    Switch.run(
        sw -> {
          Semaphore sem = new Semaphore(0);
          sem.release();
          assertEquals(1, sem.available(), "Initial config");
          Promise<Object> a = sw.forkPromise(() -> { sem.acquire(); return "a"; });
          Promise<Object> b = sw.forkPromise(() -> { sem.acquire(); return "b"; });
          Waits.until(() -> (a.isResolved() || b.isResolved()) && sem.waiting() == 1);
          assertEquals(0, sem.available(), "A running");
          sem.release(); // with a non-empty wait-queue
          a.await();
          b.await();
          assertEquals(0, sem.available(), "Now b running");
          sem.release(); // with an empty wait-queue
          assertEquals(1, sem.available(), "Finished");
        });
  }
}
