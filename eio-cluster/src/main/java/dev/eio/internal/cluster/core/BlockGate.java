package dev.eio.internal.cluster.core;

import com.hazelcast.core.HazelcastInstance;
import java.util.concurrent.Semaphore;

/**
 * A member's gate for the blocks of {@code Parallel}'s list operations: as many permits as the
 * member has slots, so that a block queued ahead of time (the caller keeps one in flight behind
 * each running block to hide the round trip, ADR 41) waits here and starts the instant a slot
 * frees, and a one-core member still runs one block at a time. Only blocks pass the gate: other
 * tasks (one-off runs, group ranks, control tasks) may wait for one another and must never queue
 * behind it.
 *
 * <p>A block that itself sends work to the cluster (a nested {@code Parallel} call) sends it
 * ungated: the nested blocks may land on this member while their parent holds its permit. The
 * mark is inheritable, so the fibers a block forks carry it too.
 */
public final class BlockGate {
  /** The user-context key of a member's gate. */
  static final String USER_CONTEXT_KEY = "eio.blockGate";

  private static final InheritableThreadLocal<Boolean> INSIDE = new InheritableThreadLocal<>();

  private final Semaphore permits;

  BlockGate(int slots) {
    permits = new Semaphore(Math.max(1, slots), true);
  }

  /** The gate of {@code member}, or null when it has none (not started by eio-cluster). */
  static BlockGate of(HazelcastInstance member) {
    return (BlockGate) member.getUserContext().get(USER_CONTEXT_KEY);
  }

  /** Whether this thread runs inside a block on a member (then the work it sends is not gated). */
  static boolean insideBlock() {
    return INSIDE.get() != null;
  }

  /** Waits for a slot (interruptibly: a cancelled block leaves the queue) and marks the thread. */
  void enter() throws InterruptedException {
    permits.acquire();
    INSIDE.set(Boolean.TRUE);
  }

  /** Frees the slot taken by {@link #enter}: the next queued block starts. */
  void leave() {
    INSIDE.remove();
    permits.release();
  }

  /** Free slots now (tests: none may leak). */
  int free() {
    return permits.availablePermits();
  }

  /** Blocks waiting for a slot now (tests: the next block is queued ahead). */
  int waiting() {
    return permits.getQueueLength();
  }
}
