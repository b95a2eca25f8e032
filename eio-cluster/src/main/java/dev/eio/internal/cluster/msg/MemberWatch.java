package dev.eio.internal.cluster.msg;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells whether a cluster member is lost without depending on one membership event: a removal
 * that happened before the listener was registered is never delivered, so the watch also reads
 * the member list itself ({@link #lost}), at most once per {@link Remote#POLL_MILLIS} ({@link
 * #due}).
 *
 * <p>A member is lost when this watch heard it leave, or when it is absent from the member list
 * after having been in it (seen at registration or added since), or when it was never seen here
 * and has stayed absent for {@link #UNSEEN_GRACE_NANOS}: a member that died before we listened is
 * never seen, but so, for a moment, is one that just joined and whose arrival this instance has
 * not yet processed. Only members are watched: a client's id is never in the member list, so
 * callers must ask only about ids they know to be members.
 */
public final class MemberWatch {
  /** How long a never-seen member must stay absent before it counts as lost. */
  static final long UNSEEN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final HazelcastInstance hz;
  private final Consumer<UUID> onLoss;
  private final Set<UUID> seen = ConcurrentHashMap.newKeySet();
  private final Set<UUID> departed = ConcurrentHashMap.newKeySet();
  private final Map<UUID, Long> absentSince = new ConcurrentHashMap<>();
  private volatile long nextCheck;
  private UUID registration;

  private MemberWatch(HazelcastInstance hz, Consumer<UUID> onLoss) {
    this.hz = hz;
    this.onLoss = onLoss;
  }

  /**
   * Starts watching the members of {@code hz}'s cluster; {@code onLoss} runs on a Hazelcast event
   * thread for each member heard leaving (it must not block). Stop with {@link #stop}.
   */
  public static MemberWatch start(HazelcastInstance hz, Consumer<UUID> onLoss) {
    MemberWatch w = new MemberWatch(hz, onLoss);
    w.registration = Remote.call(() -> hz.getCluster().addMembershipListener(w.new Listener()));
    return w;
  }

  /** Stops listening; safe when the instance is gone. */
  public void stop() {
    if (hz.getLifecycleService().isRunning()) {
      hz.getCluster().removeMembershipListener(registration);
    }
  }

  /** Whether a periodic check is due now (true at most once per {@link Remote#POLL_MILLIS}). */
  public boolean due() {
    long now = System.nanoTime();
    if (now - nextCheck < 0) {
      return false;
    }
    nextCheck = now + TimeUnit.MILLISECONDS.toNanos(Remote.POLL_MILLIS);
    return true;
  }

  /** Whether this watch heard {@code member} leave (cheap: no look at the member list). */
  public boolean departed(UUID member) {
    return departed.contains(member);
  }

  /**
   * Whether the member {@code member} is lost: heard leaving, or absent from the member list as
   * described above. Never true for a member in the list now.
   */
  public boolean lost(UUID member) {
    if (departed.contains(member)) {
      return true;
    }
    Set<Member> now;
    try {
      now = hz.getCluster().getMembers();
    } catch (RuntimeException e) {
      return false; // this instance is shutting down: its own operations fail on their own
    }
    for (Member m : now) {
      if (m.getUuid().equals(member)) {
        seen.add(member);
        absentSince.remove(member);
        return false;
      }
    }
    boolean gone = seen.contains(member);
    if (!gone) {
      long t = System.nanoTime();
      long since = absentSince.computeIfAbsent(member, k -> t);
      gone = t - since >= UNSEEN_GRACE_NANOS;
    }
    if (gone) {
      departed.add(member);
      absentSince.remove(member);
    }
    return gone;
  }

  /** Whether this instance is a member (a client's local endpoint is not a {@link Member}). */
  public static boolean isMember(HazelcastInstance hz) {
    return hz.getLocalEndpoint() instanceof Member;
  }

  private final class Listener implements InitialMembershipListener {
    @Override
    public void init(InitialMembershipEvent e) {
      for (Member m : e.getMembers()) {
        seen.add(m.getUuid());
      }
    }

    @Override
    public void memberAdded(MembershipEvent e) {
      seen.add(e.getMember().getUuid());
    }

    @Override
    public void memberRemoved(MembershipEvent e) {
      UUID gone = e.getMember().getUuid();
      departed.add(gone);
      onLoss.accept(gone);
    }
  }
}
