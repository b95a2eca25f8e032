package dev.eio.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.RetryPolicy;
import dev.eio.parallel.Where;
import dev.eio.workers.SerializationCodec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three member JVMs on this machine, a client, and kill -9 of a member mid-run. */
@Timeout(240)
class LocalMembersTest {
  /** Slow enough that a kill lands while ranges are running on every member. */
  static long slowSquare(int x) {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      throw new IllegalStateException("interrupted", e);
    }
    return (long) x * x;
  }

  @Test
  void aKilledMemberFailsTheRunNamingItOrItsWorkRunsAgainElsewhereCountedOnce() {
    List<Integer> items = IntStream.range(0, 1200).boxed().toList();
    long expected = items.stream().mapToLong(x -> (long) x * x).sum();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  ClusterConfig config =
                      ClusterConfig.local("local-members-" + UUID.randomUUID())
                          .withCodec(SerializationCodec.defaults().allowing(LocalMembersTest.class));
                  LocalMembers jvms = LocalMembers.start(env, sw, config, 3, List.of());
                  assertEquals(3, jvms.pids().size());
                  for (long pid : jvms.pids()) {
                    assertNotEquals(ProcessHandle.current().pid(), pid);
                  }
                  Cluster client = Cluster.connect(env, sw, jvms.config());
                  assertFalse(client.isMember());
                  await().atMost(Duration.ofSeconds(30)).until(() -> client.members().size() == 3);

                  // No retry declared: the run fails, naming the member that was killed.
                  MemberLostException lost =
                      assertThrows(
                          MemberLostException.class,
                          () ->
                              Switch.run(
                                  inner -> {
                                    inner.fork(
                                        () -> {
                                          env.clock().sleep(Duration.ofMillis(1500));
                                          jvms.kill(2);
                                        });
                                    Parallel.fold(
                                        client.where(),
                                        items,
                                        0L,
                                        (acc, x) -> acc + slowSquare(x),
                                        Long::sum);
                                  }));
                  assertTrue(lost.member().startsWith(jvms.addresses().get(2)), lost.getMessage());
                  await().atMost(Duration.ofSeconds(60)).until(() -> client.members().size() == 2);

                  // Retryable: the killed member's ranges run again on the survivor, counted once.
                  Where retrying = client.where(RetryPolicy.retry(3, e -> e instanceof MemberLostException));
                  long[] sum = {0};
                  Switch.run(
                      inner -> {
                        inner.fork(
                            () -> {
                              env.clock().sleep(Duration.ofMillis(1500));
                              jvms.kill(1);
                            });
                        sum[0] =
                            Parallel.fold(retrying, items, 0L, (acc, x) -> acc + slowSquare(x), Long::sum);
                      });
                  assertEquals(expected, sum[0]);
                  assertTrue(client.reruns() > 0, "the kill landed after the run: nothing was re-run");
                  assertEquals(List.of(jvms.addresses().get(0)), client.members());
                }));
  }
}
