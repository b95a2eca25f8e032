package dev.eio.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class whose tests share one 3-member cluster, started before and ended after them. */
abstract class OnThreeMembers {
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  static HazelcastInstance m(int i) {
    return cluster.member(i);
  }
}
