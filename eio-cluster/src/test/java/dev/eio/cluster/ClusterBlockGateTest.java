package dev.eio.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.internal.cluster.core.GateProbe;
import dev.eio.parallel.ItemFailedException;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.Where;
import dev.eio.workers.SerializationCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocks of a {@code Parallel} list operation on three in-JVM members (ADR 41): the next block
 * waits queued on its member while the current one runs, a member never runs more blocks at once
 * than its slots, a nested map sent from inside a block does not wait behind its parent's slot,
 * and cancelled or failed maps leave every slot free.
 */
@Timeout(120)
class ClusterBlockGateTest {
  static SharedCluster shared;
  static final AtomicInteger running = new AtomicInteger();
  static final AtomicInteger mostRunning = new AtomicInteger();
  static final AtomicInteger mostWaiting = new AtomicInteger();

  @BeforeAll
  static void startCluster() throws Exception {
    shared =
        new SharedCluster(
            "block-gate",
            3,
            ClusterConfig.local("x").withCodec(SerializationCodec.defaults().allowing(ClusterBlockGateTest.class)));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (shared != null) {
      shared.close();
    }
  }

  @BeforeEach
  void reset() {
    running.set(0);
    mostRunning.set(0);
    mostWaiting.set(0);
  }

  /** An item that sleeps, counting the items running at once and the blocks queued at the gates. */
  static int watched(int x, int millis) {
    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    mostWaiting.accumulateAndGet(GateProbe.waiting(shared.members), Math::max);
    try {
      Thread.sleep(millis);
      return x;
    } catch (InterruptedException e) {
      throw new Cancelled(e);
    } finally {
      running.decrementAndGet();
    }
  }

  @Test
  void theNextBlockWaitsOnItsMemberAndNoMemberRunsMoreBlocksThanItsSlots() {
    Cluster c = shared.members.get(0);
    Eio.run(
        env -> {
          Where where = c.where();
          List<Integer> items = IntStream.range(0, 24 * where.parallelism()).boxed().toList();
          assertEquals(items, Parallel.map(where, items, x -> watched(x, 2)));
        });
    int slots = 3 * Runtime.getRuntime().availableProcessors();
    assertTrue(mostRunning.get() <= slots, "items ran at once: " + mostRunning.get() + ", slots: " + slots);
    assertTrue(mostWaiting.get() >= 1, "no block ever waited queued on a member");
    await().atMost(Duration.ofSeconds(10)).until(() -> GateProbe.allFree(shared.members));
  }

  @Test
  void aNestedMapSentFromInsideABlockDoesNotWaitBehindItsParentsSlot() {
    Cluster c = shared.members.get(1);
    Eio.run(
        env -> {
          Where where = c.where();
          // Enough outer items that the outer blocks hold every slot of every member.
          List<Integer> outer = IntStream.range(0, 4 * where.parallelism()).boxed().toList();
          List<Integer> sums =
              Parallel.map(
                  where,
                  outer,
                  x -> {
                    watched(x, 5);
                    int[] sum = {0};
                    Eio.run(
                        inner ->
                            sum[0] =
                                Parallel.fold(
                                    shared.members.get(2).where(),
                                    List.of(x, x, x, x, x, x, x, x),
                                    0,
                                    (acc, y) -> acc + y,
                                    Integer::sum));
                    return sum[0];
                  });
          assertEquals(outer.stream().map(x -> 8 * x).toList(), sums);
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> GateProbe.allFree(shared.members));
  }

  @Test
  void cancelledAndFailedMapsLeaveEverySlotFree() {
    Cluster c = shared.members.get(2);
    Eio.run(
        env -> {
          Where where = c.where();
          List<Integer> items = IntStream.range(0, 16 * where.parallelism()).boxed().toList();
          IllegalStateException cancel =
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Switch.run(
                          sw -> {
                            sw.fork(() -> Parallel.map(where, items, x -> watched(x, 20)));
                            await().atMost(Duration.ofSeconds(30)).until(() -> mostWaiting.get() >= 1);
                            throw new IllegalStateException("cancel");
                          }));
          assertEquals("cancel", cancel.getMessage());
          assertEquals(0, running.get(), "items still running after the cancelled map returned");
          ItemFailedException failed =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.map(
                          where,
                          items,
                          x -> {
                            if (x == 7) {
                              throw new IllegalArgumentException("item 7");
                            }
                            return watched(x, 2);
                          }));
          assertEquals(7, failed.index());
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> GateProbe.allFree(shared.members));
  }
}
