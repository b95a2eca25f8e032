package dev.eio.parallel;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ExecutorPoolTest {

  @Test
  void submitBlocksUntilTheJobIsDoneAndReturnsItsValueComputedOnADomain() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 2);
          ExecutorPool pool = ExecutorPool.create(sw, d);
          assertEquals(2, pool.workers());
          Thread t = pool.submit(1.0, Thread::currentThread);
          assertTrue(t.getName().startsWith("eio-domain-"), t.getName());
          Promise<Integer> p = pool.submitFork(sw, 0.25, () -> 6 * 7);
          assertEquals(42, p.await());
        });
  }

  @Test
  void aWeightOutsideZeroToOneIsRejectedWithItsValue() {
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 1));
          for (double w : new double[] {-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> pool.submit(w, () -> 1));
            assertEquals("weight must be in [0, 1], got " + w, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pool.submitFork(sw, w, () -> 1));
          }
          assertThrows(
              IllegalArgumentException.class,
              () -> ExecutorPool.create(sw, DomainManager.create(sw, 1), 0));
        });
  }

  @Test
  void aWorkerTakesJobsOnlyWhileTheirWeightsSumToOne() {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch aRunning = new CountDownLatch(1);
    CountDownLatch bRunning = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    CountDownLatch releaseB = new CountDownLatch(1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 3), 1);
          Promise<Void> a =
              pool.submitFork(
                  sw,
                  0.5,
                  () -> {
                    aRunning.countDown();
                    releaseA.await();
                    events.add("end a");
                    return null;
                  });
          aRunning.await();
          Promise<Void> b =
              pool.submitFork(
                  sw,
                  0.5,
                  () -> {
                    bRunning.countDown(); // a and b (0.5 + 0.5) share the one worker
                    releaseB.await();
                    return null;
                  });
          bRunning.await();
          Promise<Void> c =
              pool.submitFork(
                  sw,
                  0.5,
                  () -> {
                    events.add("start c"); // only once a or b has made room
                    return null;
                  });
          releaseA.countDown();
          a.await();
          c.await();
          releaseB.countDown();
          b.await();
        });
    assertEquals(List.of("end a", "start c"), events);
  }

  @Test
  void weightZeroJobsNeverHoldAWorkerBack() {
    int n = 3;
    CountDownLatch allRunning = new CountDownLatch(n + 1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, n + 1), 1);
          Promise<?> heavy =
              pool.submitFork(
                  sw,
                  1.0,
                  () -> {
                    allRunning.countDown();
                    allRunning.await();
                    return null;
                  });
          for (int i = 0; i < n; i++) {
            pool.submitFork(
                sw,
                0.0,
                () -> {
                  allRunning.countDown();
                  allRunning.await(); // all n + 1 jobs run side by side on the one worker
                  return null;
                });
          }
          heavy.await();
        });
  }

  @Test
  void workersAreDaemonsSoAnIdlePoolDoesNotKeepItsSwitchOpen() {
    AtomicInteger ran = new AtomicInteger();
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 2));
          ran.set(pool.submit(1.0, () -> 1));
        });
    assertEquals(1, ran.get());
  }

  @Test
  void endingTheSwitchCancelsRunningAndQueuedJobs() {
    endTheSwitchWithOneJobRunningAndOneQueued();
  }

  /** The check of {@link #endingTheSwitchCancelsRunningAndQueuedJobs}, repeated by the stress test. */
  static void endTheSwitchWithOneJobRunningAndOneQueued() {
    AtomicBoolean queuedRan = new AtomicBoolean();
    AtomicBoolean runningStopped = new AtomicBoolean();
    Switch.run(
        outer -> {
          CountDownLatch started = new CountDownLatch(1);
          AtomicReference<Promise<Object>> running = new AtomicReference<>();
          AtomicReference<Promise<Object>> queued = new AtomicReference<>();
          Switch.run(
              sw -> {
                ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 2), 1);
                running.set(
                    pool.submitFork(
                        outer,
                        1.0,
                        () -> {
                          try {
                            started.countDown();
                            Thread.sleep(Long.MAX_VALUE);
                            return null;
                          } finally {
                            runningStopped.set(true);
                          }
                        }));
                queued.set(
                    pool.submitFork(
                        outer,
                        1.0,
                        () -> {
                          queuedRan.set(true);
                          return null;
                        }));
                started.await();
              });
          assertTrue(runningStopped.get(), "the running job outlived its pool's switch");
          assertThrows(Cancelled.class, () -> running.get().await());
          assertThrows(Cancelled.class, () -> queued.get().await());
        });
    assertFalse(queuedRan.get());
  }

  @Test
  void submitForkQueuesItsJobAtOnceSoJobsStartInTheOrderOfTheCalls() {
    int n = 20;
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch releaseBlocker = new CountDownLatch(1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 2), 1);
          Promise<Object> blocker = occupyTheOnlyWorker(pool, sw, releaseBlocker);
          List<Promise<Object>> jobs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            int k = i;
            jobs.add(
                pool.submitFork(
                    sw,
                    1.0,
                    () -> {
                      order.add(k);
                      return null;
                    }));
          }
          // Queued on the calling fiber: no forked fiber has to run first.
          assertEquals(n, pool.load().queued());
          releaseBlocker.countDown();
          blocker.await();
          for (Promise<Object> p : jobs) {
            p.await();
          }
        });
    assertEquals(IntStream.range(0, n).boxed().toList(), order);
  }

  @Test
  void submitForkIntoACancelledSwitchTakesItsJobBack() {
    AtomicBoolean ran = new AtomicBoolean();
    CountDownLatch releaseBlocker = new CountDownLatch(1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 2), 1);
          Promise<Object> blocker = occupyTheOnlyWorker(pool, sw, releaseBlocker);
          AtomicReference<Promise<Object>> refused = new AtomicReference<>();
          // The body never blocks, so the sub returns normally although it is cancelled.
          Cancel.sub(
              ctx ->
                  Switch.run(
                      inner -> {
                        ctx.cancel(new RuntimeException("give up"));
                        refused.set(
                            pool.submitFork(
                                inner,
                                1.0,
                                () -> {
                                  ran.set(true);
                                  return null;
                                }));
                        assertEquals(0, pool.load().queued());
                      }));
          assertThrows(Cancelled.class, () -> refused.get().await());
          releaseTheWorkerAndCheckItStillServes(pool, blocker, releaseBlocker);
        });
    assertFalse(ran.get());
  }

  @Test
  void submitForkOnAPoolWhoseSwitchHasFinishedThrowsAtOnce() {
    Switch.run(
        outer -> {
          AtomicReference<ExecutorPool> pool = new AtomicReference<>();
          Switch.run(sw -> pool.set(ExecutorPool.create(sw, DomainManager.create(sw, 1))));
          IllegalStateException e =
              assertThrows(
                  IllegalStateException.class, () -> pool.get().submitFork(outer, 1.0, () -> 1));
          assertTrue(e.getMessage().contains("executor pool is closed"), e.getMessage());
        });
  }

  @Test
  void cancellingASubmitterDropsItsQueuedJob() {
    AtomicBoolean droppedRan = new AtomicBoolean();
    CountDownLatch releaseBlocker = new CountDownLatch(1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 2), 1);
          Promise<Object> blocker = occupyTheOnlyWorker(pool, sw, releaseBlocker);
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx ->
                          Switch.run(
                              inner -> {
                                inner.fork(
                                    () ->
                                        pool.submit(
                                            1.0,
                                            () -> {
                                              droppedRan.set(true);
                                              return null;
                                            }));
                                inner.fork(() -> ctx.cancel(new RuntimeException("give up")));
                              })));
          releaseTheWorkerAndCheckItStillServes(pool, blocker, releaseBlocker);
        });
    assertFalse(droppedRan.get());
  }

  @Test
  void cancellingASubmitterStopsItsRunningJobAndWaitsForIt() {
    AtomicBoolean jobEnded = new AtomicBoolean();
    AtomicBoolean submitterSawEnd = new AtomicBoolean();
    CountDownLatch running = new CountDownLatch(1);
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 1));
          assertThrows(
              Cancelled.class,
              () ->
                  Cancel.sub(
                      ctx -> {
                        sw.fork(
                            () -> {
                              running.await();
                              ctx.cancel(new RuntimeException("stop"));
                            });
                        try {
                          pool.submit(
                              1.0,
                              () -> {
                                try {
                                  running.countDown();
                                  Thread.sleep(Long.MAX_VALUE);
                                  return null;
                                } finally {
                                  jobEnded.set(true);
                                }
                              });
                        } finally {
                          submitterSawEnd.set(jobEnded.get());
                        }
                      }));
        });
    assertTrue(submitterSawEnd.get());
  }

  @Test
  void submittingFromInsideASectionOfThePoolsDomainsIsAClearError() {
    Switch.run(
        sw -> {
          DomainManager d = DomainManager.create(sw, 1);
          ExecutorPool pool = ExecutorPool.create(sw, d);
          IllegalStateException e =
              assertThrows(IllegalStateException.class, () -> d.run(() -> pool.submit(1.0, () -> 1)));
          assertTrue(e.getMessage().contains("inside a section"), e.getMessage());
        });
  }

  @Test
  void aJobsFailureGoesToItsSubmitterOnly() {
    IllegalStateException boom = new IllegalStateException("boom");
    Switch.run(
        sw -> {
          ExecutorPool pool = ExecutorPool.create(sw, DomainManager.create(sw, 1));
          assertSame(
              boom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      pool.submit(
                          0.5,
                          () -> {
                            throw boom;
                          })));
          assertEquals(2, pool.submit(0.5, () -> 2));
        });
  }

  /** Submits a job of weight 1 that holds the pool's one worker until {@code release} opens. */
  static Promise<Object> occupyTheOnlyWorker(ExecutorPool pool, Switch sw, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    Promise<Object> blocker =
        pool.submitFork(
            sw,
            1.0,
            () -> {
              running.countDown();
              release.await();
              return null;
            });
    running.await();
    return blocker;
  }

  /** Lets the job of {@link #occupyTheOnlyWorker} end, then runs one more job on the worker. */
  static void releaseTheWorkerAndCheckItStillServes(
      ExecutorPool pool, Promise<Object> blocker, CountDownLatch release) {
    release.countDown();
    blocker.await();
    assertEquals("after", pool.submit(1.0, () -> "after"));
  }
}
