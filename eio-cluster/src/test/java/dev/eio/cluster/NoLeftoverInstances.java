package dev.eio.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves a Hazelcast member or client, or a thread that owns one, running
 * in the test JVM after its {@code @AfterAll} (a leftover keeps threads, ports and receivers busy under the next classes,
 * which is how one class's cluster once slowed another's into a hang). The leftovers are
 * terminated, so one leak fails only its own class. Registered for every class of the module by
 * {@code META-INF/services} (autodetection is on in {@code junit-platform.properties}).
 */
public final class NoLeftoverInstances implements AfterAllCallback {
  private static final List<String> OWNERS =
      List.of("shared-cluster-", "actor-node-", "eio-actor-gaps");

  private static List<Thread> owners() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && OWNERS.stream().anyMatch(t.getName()::startsWith)) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass().getEnclosingClass() != null) {
      return; // a @Nested class: its outer class owns the cluster
    }
    List<String> left = new ArrayList<>();
    for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
      left.add("member " + hz.getName());
      hz.getLifecycleService().terminate();
    }
    for (HazelcastInstance hz : HazelcastClient.getAllHazelcastClients()) {
      left.add("client " + hz.getName());
      hz.getLifecycleService().terminate();
    }
    // The threads that own a test's members (SharedCluster, ActorNodes) and the actor nodes'
    // timers: given a moment to end, as their switches release.
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> owners().isEmpty());
    } catch (ConditionTimeoutException e) {
      for (Thread t : owners()) {
        StackTraceElement[] at = t.getStackTrace();
        left.add("thread " + t.getName() + " at "
            + java.util.Arrays.asList(at).subList(0, Math.min(6, at.length)));
      }
    }
    if (!left.isEmpty()) {
      throw new AssertionError(
          context.getRequiredTestClass().getSimpleName() + " left Hazelcast running: " + left);
    }
  }
}
