package dev.eio.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.internal.util.ConcurrencyUtil;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.ItemFailedException;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.PipelineOptions;
import dev.eio.parallel.RetryPolicy;
import dev.eio.parallel.Where;
import dev.eio.workers.CodecException;
import dev.eio.workers.SerializationCodec;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parallel and one-off runs on three in-JVM members: results, failures, cancellation, security. */
@Timeout(120)
class ClusterTest {
  static SharedCluster shared;

  @BeforeAll
  static void startCluster() throws Exception {
    shared =
        new SharedCluster(
            "cluster-test",
            3,
            ClusterConfig.local("x").withCodec(SerializationCodec.defaults().allowing(ClusterTest.class)));
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (shared != null) {
      shared.close();
    }
  }

  /** Which member's executor thread runs the calling code (its instance name is in the name). */
  static String memberOfThisThread() {
    return Thread.currentThread().getName();
  }

  private static int membersSeen(List<String> threadNames) {
    Set<String> seen = new HashSet<>();
    for (Cluster m : shared.members) {
      String name = m.hazelcast().getName();
      for (String t : threadNames) {
        if (t.contains(name + ".")) {
          seen.add(name);
        }
      }
    }
    return seen.size();
  }

  record Square(int x, long square) implements Serializable {}

  @Test
  void mapFoldComputeAndPipelineRunOnTheMembersWithTheirResultsInOrder() {
    Cluster c = shared.members.get(0);
    List<Integer> numbers = IntStream.range(0, 2000).boxed().toList();
    Eio.run(
        env -> {
          Where where = c.where();
          assertEquals(3 * Runtime.getRuntime().availableProcessors(), where.parallelism());
          List<Square> squares = Parallel.map(where, numbers, x -> new Square(x, (long) x * x));
          assertEquals(numbers.stream().map(x -> new Square(x, (long) x * x)).toList(), squares);
          List<String> threads =
              Parallel.map(
                  where,
                  numbers,
                  x -> {
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) {
                      Thread.onSpinWait();
                    }
                    return memberOfThisThread();
                  });
          assertTrue(membersSeen(threads) >= 2, "ranges ran on one member only: " + new HashSet<>(threads));
          assertEquals(
              1999L * 2000 / 2, (long) Parallel.fold(where, numbers, 0L, (acc, x) -> acc + x, Long::sum));
          assertEquals(
              "0,1,2,3,4,5,6,7,8,9,",
              Parallel.fold(where, numbers.subList(0, 10), "", (acc, x) -> acc + x + ",", String::concat));
          List<Long> piped = new ArrayList<>();
          Parallel.pipeline(
              where,
              numbers.iterator(),
              x -> (long) x * 2,
              piped::add,
              PipelineOptions.defaults().withChunkSize(50));
          assertEquals(numbers.stream().map(x -> (long) x * 2).toList(), piped);
          long[] leaves = {0};
          Parallel.compute(
              where,
              (Integer n) -> n,
              (Integer task, Integer r) -> {
                if (r == 1) {
                  leaves[0]++;
                  return List.of();
                }
                return List.of(r / 2, r - r / 2);
              },
              List.of(100, 28),
              RetryPolicy.failFast());
          assertEquals(128, leaves[0]);
        });
  }

  @Test
  void theFirstFailingItemFailsFastNamedByItsIndex() {
    Cluster c = shared.members.get(1);
    Eio.run(
        env -> {
          ItemFailedException e =
              assertThrows(
                  ItemFailedException.class,
                  () ->
                      Parallel.map(
                          c.where(),
                          IntStream.range(0, 500).boxed().toList(),
                          x -> {
                            if (x == 321) {
                              throw new IllegalArgumentException("no 321");
                            }
                            return x;
                          }));
          assertEquals(321, e.index());
          assertEquals("no 321", e.getCause().getMessage());
        });
  }

  @Test
  void oneOffRunsGoToAnyMemberAChosenMemberOrTheKeyOwner() {
    Cluster c = shared.members.get(0);
    Eio.run(
        env -> {
          assertEquals(42, c.run(() -> 6 * 7));
          for (Cluster target : shared.members) {
            String address = target.config().host() + ":" + target.config().port();
            String thread = c.runOn(address, ClusterTest::memberOfThisThread);
            assertTrue(
                thread.contains(target.hazelcast().getName() + "."), thread + " is not on " + address);
          }
          for (String key : List.of("alpha", "beta", "gamma", "delta")) {
            String owner =
                c.hazelcast().getPartitionService().getPartition(key).getOwner().getUuid().toString();
            String ran = c.runOnKeyOwner(key, ClusterTest::memberOfThisThread);
            Cluster expected =
                shared.members.stream()
                    .filter(m -> m.hazelcast().getCluster().getLocalMember().getUuid().toString().equals(owner))
                    .findFirst()
                    .orElseThrow();
            assertTrue(ran.contains(expected.hazelcast().getName() + "."), ran);
          }
          IllegalArgumentException bad =
              assertThrows(IllegalArgumentException.class, () -> c.runOn("127.0.0.1:1", () -> 1));
          assertTrue(bad.getMessage().contains("127.0.0.1:1"), bad.getMessage());
        });
  }

  static final AtomicBoolean started = new AtomicBoolean();
  static final AtomicBoolean stopped = new AtomicBoolean();
  static final AtomicBoolean interrupted = new AtomicBoolean();

  @Test
  void cancellingTheCallerReturnsOnlyOnceTheRemoteTaskHasStopped() {
    Cluster c = shared.members.get(2);
    started.set(false);
    stopped.set(false);
    interrupted.set(false);
    Eio.run(env -> assertCancellingStopsTheRemoteTask(c));
  }

  /**
   * The same from a client: its Hazelcast future ends at the caller's interrupt, and the executor
   * proxy's future then sent no cancel at all: the task ran on (ClientSubmission, ADR 43).
   */
  @Test
  void cancellingAClientCallerReturnsOnlyOnceTheRemoteTaskHasStopped() {
    started.set(false);
    stopped.set(false);
    interrupted.set(false);
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Cluster client = Cluster.connect(env, sw, shared.config);
                  assertCancellingStopsTheRemoteTask(client);
                  assertEquals(42, client.run(() -> 42), "the client works after a cancelled call");
                }));
  }

  private static void assertCancellingStopsTheRemoteTask(Cluster c) {
    RuntimeException boom =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.fork(() -> c.run(ClusterTest::sleepThenCleanUpSlowly));
                      await().atMost(Duration.ofSeconds(30)).until(started::get);
                      throw new IllegalStateException("stop now");
                    }));
    assertEquals("stop now", boom.getMessage());
    assertTrue(interrupted.get(), "the remote task was not interrupted: it ran to its end");
    assertTrue(stopped.get(), "the call returned before the remote task stopped");
  }

  private static int sleepThenCleanUpSlowly() throws InterruptedException {
    started.set(true);
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      interrupted.set(true);
      throw e;
    } finally {
      // Slow clean-up: the caller must wait for it.
      long end = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < end) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException again) {
          // keep cleaning up
        }
      }
      stopped.set(true);
    }
    return 0;
  }

  /**
   * Hazelcast's executor proxy hangs a callback per call on its default async executor: a new
   * platform thread per call where the common pool has a parallelism of 1 (2 cores), a third of
   * B9b's caller CPU. A client's calls and maps must not use that executor (ADR 43).
   */
  @Test
  void aClientsCallsAndMapsRunNothingOnHazelcastsAsyncExecutor() {
    java.util.concurrent.Executor before = ConcurrencyUtil.getDefaultAsyncExecutor();
    AtomicInteger callbacks = new AtomicInteger();
    ConcurrencyUtil.setDefaultAsyncExecutor(
        r -> {
          callbacks.incrementAndGet();
          before.execute(r);
        });
    try {
      Eio.run(
          env ->
              Switch.run(
                  sw -> {
                    Cluster client = Cluster.connect(env, sw, shared.config);
                    await().atMost(Duration.ofSeconds(30)).until(() -> client.members().size() == 3);
                    int base = callbacks.get(); // connecting may use it: only the calls count
                    for (int i = 0; i < 200; i++) {
                      int x = i;
                      assertEquals(x * 3, client.run(() -> x * 3));
                    }
                    List<Integer> items = IntStream.range(0, 100).boxed().toList();
                    assertEquals(
                        items.stream().map(x -> x * x).toList(),
                        Parallel.map(client.where(), items, x -> x * x));
                    assertEquals(0, callbacks.get() - base, "callbacks on Hazelcast's async executor");
                  }));
    } finally {
      ConcurrencyUtil.setDefaultAsyncExecutor(before);
    }
  }

  /** A class off the allow-list whose deserialization would run code. */
  static final class Gadget implements Serializable {
    static final AtomicBoolean READ = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      READ.set(true);
      in.defaultReadObject();
    }
  }

  @Test
  void aMemberRefusesAClassOffTheAllowListBeforeInstantiatingIt() {
    Cluster c = shared.members.get(0);
    Gadget.READ.set(false);
    Eio.run(
        env -> {
          Gadget g = new Gadget();
          CodecException e = assertThrows(CodecException.class, () -> c.run(() -> g.hashCode()));
          assertEquals(Gadget.class.getName(), e.refusedClass().orElseThrow(), e.getMessage());
          assertTrue(e.getMessage().contains(Gadget.class.getName()), e.getMessage());
          // Anything else Hazelcast would have read with Java serialization goes through the codec.
          String map = "gadgets-" + System.nanoTime();
          shared.members.get(0).hazelcast().getMap(map).put("k", new Gadget());
          RuntimeException read =
              assertThrows(RuntimeException.class, () -> shared.members.get(1).hazelcast().getMap(map).get("k"));
          assertTrue(causes(read).contains(Gadget.class.getName()), causes(read));
          assertFalse(Gadget.READ.get(), "a refused class's readObject ran");
        });
  }

  private static String causes(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      s.append(t).append(" <- ");
    }
    return s.toString();
  }

  record Holder(Object payload) implements Serializable {}

  @Test
  void aTaskThatCannotBeSerializedFailsAtSubmitNamingTheClassAndFieldPath() {
    Cluster c = shared.members.get(0);
    Eio.run(
        env -> {
          Holder h = new Holder(new Object());
          CodecException e = assertThrows(CodecException.class, () -> c.run(() -> h.toString()));
          assertTrue(
              e.getMessage().contains("task.arg$1.payload: class java.lang.Object is not Serializable"),
              e.getMessage());
        });
  }

  @Test
  void aClientGivenAnUnreachableAddressFailsInBoundedTimeNamingIt() {
    int port = dev.eio.internal.cluster.core.HazelcastSetup.freePort("127.0.0.1");
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  ClusterUnreachableException e =
                      assertThrows(
                          ClusterUnreachableException.class,
                          () ->
                              Cluster.connect(
                                  env,
                                  sw,
                                  ClusterConfig.local("nobody-" + port)
                                      .withMembers(List.of("127.0.0.1:" + port))
                                      .withConnectTimeout(Duration.ofSeconds(2))));
                  assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
                  assertEquals(List.of("127.0.0.1:" + port), e.addresses());
                }));
  }
}
