package dev.eio.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClusterGroupTest extends OnThreeMembers {

  static String fresh() {
    return "g-" + UUID.randomUUID();
  }

  /** Runs {@code body} as one rank per member, each in its own switch; returns their results. */
  static <T> List<T> ranks(String name, Function<ClusterGroup, T> body) {
    List<Promise<T>> ps = new ArrayList<>();
    Switch.run(
        sw -> {
          for (int i = 0; i < 3; i++) {
            HazelcastInstance hz = cluster.member(i);
            ps.add(sw.forkPromise(() -> Switch.call(in -> body.apply(ClusterGroup.join(in, hz, name, 3)))));
          }
        });
    List<T> out = new ArrayList<>();
    for (Promise<T> p : ps) {
      out.add(p.await());
    }
    return out;
  }

  @Test
  void ranksAreUniqueAndCollectivesAgree() {
    String name = fresh();
    List<List<Object>> results =
        ranks(
            name,
            g -> {
              int r = g.rank();
              List<Object> out = new ArrayList<>();
              out.add(r);
              out.add(g.size());
              out.add(g.broadcast(1, r == 1 ? "from one" : null));
              out.add(g.reduce(2, (long) r + 1, Long::sum));
              out.add(g.allReduce(List.of(r), (a, b) -> concat(a, b)));
              out.add(g.scatter(0, r == 0 ? List.of("a", "b", "c") : null));
              out.add(g.gather(0, r * 10));
              out.add(g.allGather("r" + r));
              g.barrier();
              // A ring: send right, receive from the left.
              g.send((r + 1) % 3, "hello from " + r);
              out.add(g.receive((r + 2) % 3));
              return out;
            });
    Set<Object> seenRanks = new TreeSet<>();
    for (List<Object> out : results) {
      int r = (Integer) out.get(0);
      seenRanks.add(r);
      assertEquals(3, out.get(1));
      assertEquals("from one", out.get(2));
      assertEquals(r == 2 ? Optional.of(6L) : Optional.empty(), out.get(3));
      assertEquals(List.of(0, 1, 2), out.get(4), "folded in rank order");
      assertEquals(List.of("a", "b", "c").get(r), out.get(5));
      assertEquals(r == 0 ? Optional.of(List.of(0, 10, 20)) : Optional.empty(), out.get(6));
      assertEquals(List.of("r0", "r1", "r2"), out.get(7));
      assertEquals("hello from " + (r + 2) % 3, out.get(8));
    }
    assertEquals(Set.of(0, 1, 2), seenRanks, "each rank once");
  }

  static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> c = new ArrayList<>(a);
    c.addAll(b);
    return c;
  }

  /** The README's example, as written there, on the three members. */
  @Test
  void readmeExample() {
    String sum = fresh();
    String logName = fresh();
    List<String> printed = java.util.Collections.synchronizedList(new ArrayList<>());
    Switch.run(
        top -> {
          for (int i = 0; i < 3; i++) {
            HazelcastInstance hazelcast = cluster.member(i);
            top.fork(
                () ->
                    Switch.run(
                        sw -> {
                          ClusterGroup g = ClusterGroup.join(sw, hazelcast, sum, 3);
                          ClusterChannel<String> log = ClusterChannel.open(sw, hazelcast, logName, 64);
                          long mine =
                              java.util.stream.LongStream.rangeClosed(1, 1_000_000)
                                  .filter(x -> x % 3 == g.rank())
                                  .sum();
                          long total = g.allReduce(mine, Long::sum);
                          log.send("rank " + g.rank() + " saw " + total);
                          g.barrier();
                          if (g.rank() == 0) {
                            log.close();
                            for (String line : log) {
                              printed.add(line);
                            }
                          }
                        }));
          }
        });
    java.util.Collections.sort(printed);
    assertEquals(
        List.of("rank 0 saw 500000500000", "rank 1 saw 500000500000", "rank 2 saw 500000500000"),
        printed);
  }

  @Test
  void barrierWaitsForEveryRank() {
    String name = fresh();
    AtomicInteger arrived = new AtomicInteger();
    List<Integer> seen =
        ranks(
            name,
            g -> {
              for (int round = 1; round <= 5; round++) {
                if (g.rank() == round % 3) {
                  Cancel.protect(() -> Thread.sleep(30)); // the late one moves each round
                }
                arrived.incrementAndGet();
                g.barrier();
                assertTrue(arrived.get() >= 3 * round, "passed the barrier before all arrived");
                g.barrier(); // nobody counts the next round before everyone checked this one
              }
              return arrived.get();
            });
    assertEquals(List.of(15, 15, 15), seen);
  }

  @Test
  void explicitRanksAndRefusals() {
    String name = fresh();
    Switch.run(
        sw -> {
          Promise<Integer> a =
              sw.forkPromise(() -> ClusterGroup.join(sw, cluster.member(0), name, 2, 1).rank());
          IllegalStateException taken =
              assertThrows(
                  IllegalStateException.class,
                  () -> {
                    await().until(() -> cluster.member(1).getMap("eio.group").get(name) != null);
                    ClusterGroup.join(sw, cluster.member(1), name, 2, 1);
                  });
          assertTrue(taken.getMessage().contains("rank 1 is taken"), taken.getMessage());
          assertThrows(
              IllegalStateException.class, () -> ClusterGroup.join(sw, cluster.member(1), name, 3));
          assertEquals(0, ClusterGroup.join(sw, cluster.member(2), name, 2).rank());
          assertEquals(1, a.await());
          assertThrows(IllegalArgumentException.class, () -> ClusterGroup.join(sw, cluster.member(0), "x", 2, 2));
          assertThrows(IllegalArgumentException.class, () -> ClusterGroup.join(sw, cluster.member(0), "x", 0));
        });
  }

  @Test
  void aCancelledRankReleasesTheOthers() {
    String name = fresh();
    AtomicReference<Cancel.Context> victim = new AtomicReference<>();
    ConcurrentHashMap<Integer, Throwable> failures = new ConcurrentHashMap<>();
    Switch.run(
        sw -> {
          forkRanks(
              sw,
              name,
              3,
              failures,
              g -> {
                if (g.rank() == 2) {
                  Cancel.sub(
                      ctx -> {
                        victim.set(ctx);
                        g.receive(0); // rank 0 never sends
                      });
                } else {
                  g.barrier();
                }
              });
          await().until(() -> victim.get() != null);
          victim.get().cancel(new RuntimeException("stop rank 2"));
        });
    assertTrue(failures.get(2) instanceof Cancelled, String.valueOf(failures.get(2)));
    for (int r = 0; r < 2; r++) {
      GroupBrokenException e = (GroupBrokenException) failures.get(r);
      assertEquals(2, e.rank());
      assertTrue(e.getMessage().contains("rank 2 was cancelled"), e.getMessage());
    }
  }

  /**
   * Ranks 0..count-1 of group {@code name} of 3, rank i on member i, each running {@code body} in
   * its own switch; what a rank throws is kept in {@code failures}.
   */
  static void forkRanks(
      Switch sw, String name, int count, Map<Integer, Throwable> failures,
      java.util.function.Consumer<ClusterGroup> body) {
    for (int i = 0; i < count; i++) {
      HazelcastInstance hz = cluster.member(i);
      int wanted = i;
      sw.fork(
          () ->
              Switch.run(
                  in -> {
                    try {
                      body.accept(ClusterGroup.join(in, hz, name, 3, wanted));
                    } catch (RuntimeException e) {
                      failures.put(wanted, e);
                    }
                  }));
    }
  }

  /** Ranks 0 and 1 of a group of 3 on members 0 and 1, each in an allReduce. */
  static void survivors(Switch sw, String name, Map<Integer, Throwable> failures) {
    forkRanks(sw, name, 2, failures, g -> g.allReduce(1, Integer::sum));
  }

  @Test
  void aRankWhoseMemberDiesReleasesTheOthers() {
    String name = fresh();
    HazelcastInstance doomed = cluster.addMember();
    ConcurrentHashMap<Integer, Throwable> failures = new ConcurrentHashMap<>();
    Switch.run(
        sw -> {
          Promise<ClusterGroup> lost =
              sw.forkPromise(() -> ClusterGroup.join(sw, doomed, name, 3, 2));
          survivors(sw, name, failures);
          lost.await();
          doomed.getLifecycleService().terminate();
        });
    cluster.members.remove(doomed);
    for (int r = 0; r < 2; r++) {
      GroupBrokenException e = (GroupBrokenException) failures.get(r);
      assertEquals(2, e.rank());
      assertTrue(e.getMessage().contains("left the cluster"), e.getMessage());
    }
  }

  /**
   * The lost event: rank 2's member dies before ranks 0 and 1 even join, so no listener of theirs
   * can ever hear of it (the removal happened before they listened). They must still learn it:
   * from the membership they read once listening, not from an event.
   */
  @Test
  void aMemberLostBeforeTheOthersListenStillReleasesThem() {
    String name = fresh();
    HazelcastInstance doomed = cluster.addMember();
    ConcurrentHashMap<Integer, Throwable> failures = new ConcurrentHashMap<>();
    Switch.run(
        sw -> {
          sw.fork(
              () -> {
                try {
                  Switch.run(in -> ClusterGroup.join(in, doomed, name, 3, 2));
                } catch (RuntimeException e) {
                  // its member is terminated under it
                }
              });
          await().until(() -> m(0).getMap("eio.group").get(name) != null);
          cluster.kill(doomed);
        });
    // Bounded: a hang shows as a timeout (the ranks are cancelled), not as a stuck build.
    Time.withTimeout(
        Duration.ofSeconds(30),
        () -> Switch.run(sw -> survivors(sw, name, failures)));
    for (int r = 0; r < 2; r++) {
      Throwable t = failures.get(r);
      assertTrue(t instanceof GroupBrokenException, "rank " + r + " hung (or failed): " + t);
      GroupBrokenException e = (GroupBrokenException) t;
      assertEquals(2, e.rank(), e.getMessage());
      assertTrue(e.getMessage().contains("left the cluster"), e.getMessage());
    }
  }

  @Test
  void aRankThatLeftCanBeDrainedThenFails() {
    String name = fresh();
    List<Object> got = new ArrayList<>();
    Switch.run(
        sw -> {
          sw.fork(
              () ->
                  Switch.run(
                      in -> {
                        ClusterGroup g = ClusterGroup.join(in, cluster.member(1), name, 2, 1);
                        g.send(0, "last words");
                      }));
          ClusterGroup g = ClusterGroup.join(sw, cluster.member(0), name, 2, 0);
          got.add(g.receive(1));
          GroupBrokenException e = assertThrows(GroupBrokenException.class, () -> g.receive(1));
          assertEquals(1, e.rank());
          got.add(e.getMessage());
        });
    assertEquals("last words", got.get(0));
    assertTrue(((String) got.get(1)).contains("rank 1 left"), (String) got.get(1));
  }

  @Test
  void collectivesCalledOutOfOrderAreRefused() {
    String name = fresh();
    List<String> errors = new ArrayList<>();
    Switch.run(
        sw -> {
          sw.fork(
              () ->
                  Switch.run(
                      in -> {
                        ClusterGroup g = ClusterGroup.join(in, cluster.member(1), name, 2, 1);
                        g.gather(0, "skipped a barrier");
                        Fiber.check();
                      }));
          ClusterGroup g = ClusterGroup.join(sw, cluster.member(0), name, 2, 0);
          // #0 is a barrier here but a gather at rank 1: the numbers agree, the names do not.
          IllegalStateException e = assertThrows(IllegalStateException.class, g::barrier);
          errors.add(e.getMessage());
        });
    assertTrue(errors.get(0).contains("same order"), errors.get(0));
  }
}
