package dev.eio.rpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.MemberLostException;
import dev.eio.cluster.SharedCluster;
import dev.eio.internal.rpc.RpcCall;
import dev.eio.workers.CodecException;
import dev.eio.workers.DecodeLimits;
import dev.eio.workers.SerializationCodec;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Typed RPC on three in-JVM members: member 1 serves {@link Store}, member 0 calls it; member 2
 * serves one too and is terminated mid-call by the member-loss test.
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class RpcClusterTest {
  /** The members refuse arrays longer than this: the "oversized argument". */
  static final int MAX_ARRAY = 100_000;

  static SharedCluster shared;
  static final MemoryStore served = new MemoryStore();
  static final MemoryStore doomed = new MemoryStore();
  static final CountDownLatch unserve = new CountDownLatch(1);
  static Thread server;

  @BeforeAll
  static void start() throws Exception {
    shared =
        new SharedCluster(
            "rpc-test",
            3,
            ClusterConfig.local("x")
                .withCodec(
                    SerializationCodec.defaults()
                        .withLimits(DecodeLimits.defaults().withMaxArrayLength(MAX_ARRAY))));
    CountDownLatch up = new CountDownLatch(1);
    server =
        Thread.ofPlatform()
            .start(
                () ->
                    Eio.run(
                        env ->
                            Switch.run(
                                sw -> {
                                  Rpc.serve(sw, shared.members.get(1), Store.class, served);
                                  Rpc.serve(sw, shared.members.get(2), Store.class, doomed);
                                  up.countDown();
                                  unserve.await();
                                })));
    up.await();
  }

  @AfterAll
  static void stop() throws Exception {
    unserve.countDown();
    server.join(30_000);
    shared.close();
  }

  static String address(int i) {
    Cluster c = shared.members.get(i);
    return c.config().host() + ":" + c.config().port();
  }

  static Store client() {
    return Rpc.connect(shared.members.get(0), address(1), Store.class);
  }

  @Test
  void callsRoundTripVoidMethodsReturnAndCheckedExceptionsKeepTheirType() {
    Eio.run(
        env -> {
          Store kv = client();
          kv.put("alpha", "1");
          assertEquals("1", kv.get("alpha"));
          assertTrue(kv.size() >= 1);
          assertArrayEquals(new int[] {1, 2}, (int[]) kv.echo(new int[] {1, 2}));
          Store.NotFound e = assertThrows(Store.NotFound.class, () -> kv.get("missing"));
          assertEquals("no value for missing", e.getMessage());
          assertEquals("RpcClient[" + Store.class.getName() + " on cluster member " + address(1) + "]", kv.toString());
        });
  }

  @Test
  void aRuntimeExceptionComesBackWithTheRemoteStackAndTheMemberNamed() {
    Eio.run(
        env -> {
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> client().fail("boom"));
          assertEquals("boom", e.getMessage());
          assertEquals(MemoryStore.class.getName(), e.getStackTrace()[0].getClassName(), "not the remote stack");
          assertEquals("fail", e.getStackTrace()[0].getMethodName());
          String notes = Arrays.toString(e.getSuppressed());
          assertTrue(notes.contains("cluster member " + address(1)), notes);
          assertTrue(notes.contains(Store.class.getName() + ".fail(java.lang.String)"), notes);
        });
  }

  @Test
  void cancellingTheCallerStopsTheRemoteMethodBeforeTheCallReturns() {
    served.blocked = new CountDownLatch(1);
    int before = served.stops();
    Eio.run(
        env -> {
          IllegalStateException boom =
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Switch.run(
                          sw -> {
                            sw.fork(() -> client().block(""));
                            await().atMost(Duration.ofSeconds(30)).until(() -> served.blocked.getCount() == 0);
                            throw new IllegalStateException("stop now");
                          }));
          assertEquals("stop now", boom.getMessage());
          assertEquals(before + 1, served.stops(), "the call returned before the remote method stopped");
        });
  }

  @Test
  void aDeadlineCancelsTheRemoteMethodAndThrowsTimeoutOnceItStopped() {
    served.blocked = new CountDownLatch(1);
    int before = served.stops();
    Eio.run(
        env -> {
          Store slow = Rpc.connect(shared.members.get(0), address(1), Store.class, Duration.ofMillis(300));
          Timeout t = assertThrows(Timeout.class, () -> slow.block(""));
          assertEquals(Duration.ofMillis(300), t.duration());
          assertEquals(before + 1, served.stops(), "the call returned before the remote method stopped");
          assertEquals(0, served.blocked.getCount());
          slow.put("after", "deadline"); // the client still works
        });
  }

  /** A class off the allow-list whose deserialization would run code. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean READ = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      READ.set(true);
      in.defaultReadObject();
    }
  }

  /** Rounds of the randomized deadline test; {@code -Deio.stress.iterations=N} for a soak. */
  static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 30);

  @Test
  void aDeadlineAtARandomMomentLeavesNoRemoteMethodRunning() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int[] outcomes = new int[2];
    Eio.run(
        env -> {
          for (int round = 0; round < ITERATIONS; round++) {
            int work = random.nextInt(30);
            Duration limit = Duration.ofMillis(1 + random.nextInt(30));
            String where = "seed " + seed + " round " + round + " work " + work + " ms, limit " + limit;
            Store kv = Rpc.connect(shared.members.get(0), address(1), Store.class, limit);
            try {
              assertEquals(work, kv.work(work), where);
              outcomes[0]++;
            } catch (Timeout t) {
              outcomes[1]++;
            }
            assertEquals(0, served.running.get(), "a remote method still ran after its call returned: " + where);
          }
        });
    System.out.println(
        "RpcClusterTest: " + ITERATIONS + " rounds, " + outcomes[0] + " returned, " + outcomes[1] + " timed out");
  }

  @Test
  void forgedCallsAreRefusedBeforeAnyServerCodeRuns() {
    Cluster attacker = shared.members.get(0);
    String target = address(1);
    String store = Store.class.getName();
    int calls = MemoryStore.CALLS.get();
    Eio.run(
        env -> {
          // A method not in the interface, even one the implementation has.
          for (String method : new String[] {"clear()", "evil()", "get(java.lang.Object)", "wait()"}) {
            CallRefusedException e =
                assertThrows(
                    CallRefusedException.class,
                    () -> attacker.runOn(target, new RpcCall(store, method, new Object[0])));
            assertTrue(e.getMessage().contains("has no method " + method), e.getMessage());
          }
          // Arguments that do not fit the method.
          CallRefusedException badArg =
              assertThrows(
                  CallRefusedException.class,
                  () -> attacker.runOn(target, new RpcCall(store, "get(java.lang.String)", new Object[] {42})));
          assertTrue(badArg.getMessage().contains("argument 0 of get(java.lang.String) must be a java.lang.String, got java.lang.Integer"), badArg.getMessage());
          assertThrows(
              CallRefusedException.class,
              () -> attacker.runOn(target, new RpcCall(store, "size()", new Object[] {"extra"})));
          // A service the member does not serve.
          CallRefusedException noService =
              assertThrows(
                  CallRefusedException.class,
                  () -> attacker.runOn(target, new RpcCall(Runnable.class.getName(), "run()", new Object[0])));
          assertTrue(noService.getMessage().contains("no service java.lang.Runnable on cluster member " + target), noService.getMessage());
          // A class off the allow-list, through the proxy: refused before its readObject runs.
          Gadget.READ.set(false);
          CodecException refused = assertThrows(CodecException.class, () -> client().echo(new Gadget()));
          assertEquals(Gadget.class.getName(), refused.refusedClass().orElseThrow(), refused.getMessage());
          assertFalse(Gadget.READ.get(), "a refused class's readObject ran on the member");
          // An argument over the member's DecodeLimits.
          CodecException big = assertThrows(CodecException.class, () -> client().length(new byte[MAX_ARRAY + 1]));
          assertTrue(big.getMessage().contains("array"), big.getMessage());
          assertEquals(MAX_ARRAY, client().length(new byte[MAX_ARRAY]));
        });
    assertEquals(calls + 1, MemoryStore.CALLS.get(), "a refused call reached the implementation");
  }

  @Test
  void aMemberLostDuringACallFailsItNamingTheMember() {
    Cluster victim = shared.members.get(2);
    String target = address(2);
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Store kv = Rpc.connect(shared.members.get(0), target, Store.class);
                  sw.fork(
                      () -> {
                        await().atMost(Duration.ofSeconds(30)).until(() -> doomed.blocked.getCount() == 0);
                        victim.hazelcast().getLifecycleService().terminate();
                      });
                  MemberLostException e = assertThrows(MemberLostException.class, () -> kv.block(""));
                  assertTrue(e.member().startsWith(target), e.member());
                  assertTrue(e.getMessage().contains(target), e.getMessage());
                  // Later calls fail the same way, at once.
                  MemberLostException later = assertThrows(MemberLostException.class, kv::size);
                  assertEquals(target, later.member());
                }));
  }
}
