package dev.eio.cluster;

import static org.awaitility.Awaitility.await;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.eio.Switch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Comparison: a plain IQueue item offered on a member that is then terminated; survives? */
class QueueMemberLossTest extends OnThreeMembers {
  static final int N = Integer.getInteger("eio.stress.iterations", 10);

  @Test
  void plainQueueOnlyClusterSafe() {
    run(false, false);
  }

  @Test
  void channelOnlyClusterSafe() {
    run(false, true);
  }

  private void run(boolean settle, boolean channel) {
    int lost = 0;
    int lostOwned = 0;
    int owned = 0;
    List<String> notes = new ArrayList<>();
    for (int it = 0; it < N; it++) {
      HazelcastInstance doomed = cluster.addMember();
      UUID doomedId = doomed.getCluster().getLocalMember().getUuid();
      await().atMost(Duration.ofSeconds(60)).until(() -> m(0).getPartitionService().isClusterSafe());
      if (settle) {
        await().atMost(Duration.ofSeconds(60)).until(() -> m(0).getPartitionService().isClusterSafe()
            && doomed.getPartitionService().isClusterSafe()
            && m(1).getPartitionService().isClusterSafe()
            && doomed.getPartitionService().getPartitions().stream()
                .filter(p -> doomedId.equals(p.getOwner() == null ? null : p.getOwner().getUuid()))
                .count() > 0);
        // and stays safe a moment
        try { Thread.sleep(500); } catch (InterruptedException e) { throw new RuntimeException(e); }
        await().atMost(Duration.ofSeconds(60)).until(() -> m(0).getPartitionService().isClusterSafe());
      }
      String qname = channel ? null : "cmp-q-" + UUID.randomUUID();
      String cname = "cmp-c-" + UUID.randomUUID();
      boolean safeAtSend = m(0).getPartitionService().isClusterSafe();
      int doomedOwnsBefore = (int) m(0).getPartitionService().getPartitions().stream()
          .filter(p -> p.getOwner() != null && doomedId.equals(p.getOwner().getUuid())).count();
      boolean ownerIsDoomed;
      List<String> got = new ArrayList<>();
      String[] qn = new String[1];
      String[] qn2 = new String[1];
      int[] oldSize = new int[1];
      if (!channel) {
        IQueue<String> q = doomed.getQueue(qname);
        q.offer("dead");
        Partition p = m(0).getPartitionService().getPartition(qname);
        ownerIsDoomed = p.getOwner() != null && doomedId.equals(p.getOwner().getUuid());
        doomed.getLifecycleService().terminate();
        cluster.members.remove(doomed);
        IQueue<String> s = m(1).getQueue(qname);
        long end = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < end && got.isEmpty()) {
          String x = s.poll();
          if (x != null) got.add(x);
          else try { Thread.sleep(20); } catch (InterruptedException e) { throw new RuntimeException(e); }
        }
      } else {

        Switch.run(sw -> {
          ClusterChannel<String> d = ClusterChannel.open(sw, doomed, cname, 10);
          d.send("dead");
          qn[0] = ((dev.eio.internal.cluster.msg.ChannelState)
              m(0).getMap("eio.channel").get(cname)).queueName(cname);
          doomed.getLifecycleService().terminate();
        });
        cluster.members.remove(doomed);
        Partition p = m(0).getPartitionService().getPartition(qn[0]);
        ownerIsDoomed = p.getOwner() != null && doomedId.equals(p.getOwner().getUuid());
        Switch.run(sw -> {
          ClusterChannel<String> a = ClusterChannel.open(sw, m(1), cname, 10);
          qn2[0] = ((dev.eio.internal.cluster.msg.ChannelState)
              m(0).getMap("eio.channel").get(cname)).toString();
          oldSize[0] = m(1).getQueue(qn[0]).size();
          a.close();
          for (String s : a) got.add(s);
        });
      }
      if (channel && got.isEmpty()) notes.add("doomedQueue=" + qn[0] + " stateAtSurvivorJoin=" + qn2[0] + " oldQueueSizeThen=" + oldSize[0] + " oldQueueSizeAfter=" + m(1).getQueue(qn[0]).size());
      if (ownerIsDoomed) owned++;
      if (got.isEmpty()) {
        lost++;
        if (ownerIsDoomed) lostOwned++;
        notes.add("round " + it + ": safeAtSend=" + safeAtSend + " doomedOwnsPartitionsBefore=" + doomedOwnsBefore);
      }
    }
    System.out.printf("QueueMemberLossTest settle=%s channel=%s: %d rounds, %d lost (%d of them owned by the doomed), owner doomed in %d; %s%n",
        settle, channel, N, lost, lostOwned, owned, notes);
    org.junit.jupiter.api.Assertions.assertEquals(0, lost, "items lost: " + notes);
  }
}
