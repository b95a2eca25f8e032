package dev.eio.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.ChannelClosedException;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Time;
import java.time.Duration;
import dev.eio.workers.HubEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClusterHubTest extends OnThreeMembers {

  static String fresh() {
    return "hub-" + UUID.randomUUID();
  }

  @Test
  void partiesOnOtherMembersTalkToTheHub() {
    String name = fresh();
    Switch.run(
        sw -> {
          ClusterHub<String, String> hub = ClusterHub.open(sw, m(0), name);
          ClusterHubConnection<String, String> alice = ClusterHub.connect(sw, m(1), name);
          ClusterHubConnection<String, String> bob = ClusterHub.connect(sw, m(2), name);
          assertNotEquals(alice.id(), bob.id());
          List<HubEvent<String>> first = List.of(hub.receive(), hub.receive());
          assertTrue(first.contains(new HubEvent.Connected<String>(alice.id())), first.toString());
          assertTrue(first.contains(new HubEvent.Connected<String>(bob.id())), first.toString());
          assertEquals(Set.of(alice.id(), bob.id()), hub.parties());
          alice.send("hi");
          alice.send("there");
          assertEquals(new HubEvent.Message<>(alice.id(), "hi"), hub.receive());
          assertEquals(new HubEvent.Message<>(alice.id(), "there"), hub.receive());
          assertTrue(hub.send(bob.id(), "just bob"));
          assertEquals(2, hub.broadcast("everyone"));
          assertEquals("just bob", bob.receive());
          assertEquals("everyone", bob.receive());
          assertEquals("everyone", alice.receive());
          // Alice leaves after one more message: the hub gets it, then her Disconnected.
          alice.send("bye");
          alice.close();
          assertThrows(ChannelClosedException.class, () -> alice.send("late"));
          assertEquals(new HubEvent.Message<>(alice.id(), "bye"), hub.receive());
          assertEquals(new HubEvent.Disconnected<String>(alice.id()), hub.receive());
          assertFalse(hub.send(alice.id(), "gone"), "a message to a party that left is dropped");
          // The hub disconnects bob: his stream is done after what was sent before.
          hub.send(bob.id(), "last");
          assertTrue(hub.disconnect(bob.id()));
          List<String> rest = new ArrayList<>();
          for (String s : bob) {
            rest.add(s);
          }
          assertEquals(List.of("last"), rest);
          assertEquals(new HubEvent.Disconnected<String>(bob.id()), hub.receive());
          hub.close();
          ChannelClosedException e = assertThrows(ChannelClosedException.class, hub::receive);
          assertNull(e.getCause());
        });
  }

  @Test
  void oneHubPerNameAndNoConnectionWithoutAHub() {
    String name = fresh();
    Switch.run(
        sw -> {
          assertThrows(IllegalStateException.class, () -> ClusterHub.connect(sw, m(1), name));
          Switch.run(inner -> {
            ClusterHub.open(inner, m(0), name);
            IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ClusterHub.open(sw, m(1), name));
            assertTrue(e.getMessage().contains("already served"), e.getMessage());
          });
          // Released with its switch: the name is free again.
          ClusterHub.open(sw, m(2), name).close();
        });
  }

  @Test
  void theHubsSwitchEndingEndsEveryParty() {
    String name = fresh();
    Switch.run(
        sw -> {
          ClusterHubConnection<String, String>[] c = new ClusterHubConnection[1];
          Switch.run(
              inner -> {
                ClusterHub<String, String> hub = ClusterHub.open(inner, m(0), name);
                c[0] = ClusterHub.connect(sw, m(1), name);
                assertEquals(new HubEvent.Connected<String>(c[0].id()), hub.receive());
                hub.send(c[0].id(), "farewell");
              });
          assertEquals("farewell", c[0].receive());
          ChannelClosedException e = assertThrows(ChannelClosedException.class, c[0]::receive);
          assertNull(e.getCause(), "done, not broken");
        });
  }

  @Test
  void memberLossDisconnectsItsPartiesAndBreaksConnectionsToItsHub() {
    String name = fresh();
    String name2 = fresh();
    HazelcastInstance doomed = cluster.addMember();
    Switch.run(
        sw -> {
          ClusterHub<String, String> hub = ClusterHub.open(sw, m(0), name);
          ClusterHubConnection<String, String> local = ClusterHub.connect(sw, m(1), name);
          Promise<ClusterHubConnection<String, String>> lost =
              sw.forkPromise(
                  () -> {
                    // The doomed member's connection and hub live in a switch that never ends
                    // normally: its member is terminated under it.
                    ClusterHubConnection<String, String> c = ClusterHub.connect(sw, doomed, name);
                    c.send("before dying");
                    return c;
                  });
          ClusterHub<String, String> doomedHub = ClusterHub.open(sw, doomed, name2);
          ClusterHubConnection<String, String> toDoomed = ClusterHub.connect(sw, m(2), name2);
          long lostId = lost.await().id();
          Set<HubEvent<String>> events = new java.util.HashSet<>();
          for (int i = 0; i < 3; i++) {
            events.add(hub.receive());
          }
          assertTrue(events.contains(new HubEvent.Message<>(lostId, "before dying")), events.toString());
          doomed.getLifecycleService().terminate();
          assertEquals(new HubEvent.Disconnected<String>(lostId), hub.receive());
          assertEquals(Set.of(local.id()), hub.parties());
          ChannelClosedException e = assertThrows(ChannelClosedException.class, toDoomed::receive);
          assertTrue(e.getCause().getMessage().contains("left the cluster"), e.getCause().getMessage());
          assertThrows(ChannelClosedException.class, () -> toDoomed.send("x"));
          // The name of the lost hub can be served again.
          ClusterHub.open(sw, m(2), name2).close();
          assertFalse(doomedHub.toString().isEmpty());
          Fiber.check();
        });
    cluster.members.remove(doomed);
  }

  /**
   * The lost event: a party's member dies before the hub has read its Connect, so when the hub's
   * listener hears of it the party is not known yet. The hub must still disconnect it.
   */
  @Test
  void aPartyLostBeforeTheHubReadItsConnectIsDisconnected() {
    String name = fresh();
    HazelcastInstance doomed = cluster.addMember();
    List<Object> events = new ArrayList<>();
    java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
    Switch.run(
        sw -> {
          ClusterHub<String, String> hub = ClusterHub.open(sw, m(0), name);
          sw.fork(
              () -> {
                try {
                  Switch.run(
                      in -> {
                        ClusterHubConnection<String, String> c = ClusterHub.connect(in, doomed, name);
                        c.send("before dying");
                        cluster.kill(doomed);
                        killed.countDown();
                      });
                } catch (RuntimeException e) {
                  // its member is gone under it
                }
              });
          await().until(() -> killed.getCount() == 0);
          // Bounded: a hang shows as a timeout (the receive is cancelled), not a stuck build.
          Time.withTimeout(
              Duration.ofSeconds(30),
              () -> {
                for (int i = 0; i < 3; i++) {
                  events.add(hub.receive().getClass().getSimpleName());
                }
                hub.close();
                events.add(assertThrows(ChannelClosedException.class, hub::receive).getClass().getSimpleName());
              });
        });
    assertEquals(List.of("Connected", "Message", "Disconnected", "ChannelClosedException"), events);
  }
}
