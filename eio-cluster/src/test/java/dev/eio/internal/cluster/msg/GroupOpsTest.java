package dev.eio.internal.cluster.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.AbstractMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast runs an entry processor on the entry's primary and again on its backup: what it
 * writes must be the same both times, or the backup, once promoted, holds another group.
 */
class GroupOpsTest {
  @Test
  void aJoinCreatingTheGroupWritesTheSameStateOnPrimaryAndBackup() {
    GroupOps.Join join = new GroupOps.Join(3, 1, UUID.randomUUID(), true, "the-id");
    Map.Entry<String, GroupState> primary = new AbstractMap.SimpleEntry<>("g", null);
    Map.Entry<String, GroupState> backup = new AbstractMap.SimpleEntry<>("g", null);
    join.process(primary);
    join.process(backup);
    assertEquals(primary.getValue(), backup.getValue());
    assertEquals("the-id", primary.getValue().id());
  }
}
