package dev.eio.internal.cluster.core;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.eio.Cancel;
import dev.eio.Fiber;
import dev.eio.WrappedCheckedException;
import dev.eio.cluster.MemberLostException;
import dev.eio.parallel.RetryPolicy;
import dev.eio.parallel.Where;
import dev.eio.workers.SerializableCallable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Runs eio tasks on the members of a cluster: picks the least busy member (tasks in flight per
 * slot), waits in the calling fiber, turns a lost member into {@link MemberLostException}, and on
 * cancellation interrupts the remote task and waits (protected, bounded) until it has stopped.
 */
public final class ClusterRemote implements Where.Remote {
  /** How long a cancelled call waits for its remote task to stop before giving up on it. */
  static final long STOP_WAIT_MILLIS = 10_000;

  /** How often a waiting caller looks whether it was cancelled: the bound on noticing it. */
  static final long POLL_MILLIS = 20;

  private final HazelcastInstance hz;
  private final Wire wire;
  private final RetryPolicy retry;
  private final Map<UUID, AtomicInteger> inFlight;
  private final AtomicLong reruns;

  public ClusterRemote(HazelcastInstance hz, Wire wire, RetryPolicy retry) {
    this(hz, wire, retry, new ConcurrentHashMap<>(), new AtomicLong());
  }

  private ClusterRemote(
      HazelcastInstance hz, Wire wire, RetryPolicy retry, Map<UUID, AtomicInteger> inFlight, AtomicLong reruns) {
    this.hz = hz;
    this.wire = wire;
    this.retry = retry;
    this.inFlight = inFlight;
    this.reruns = reruns;
  }

  /** The same cluster, retrying as {@code policy} says (sharing the load and re-run figures). */
  public ClusterRemote withRetry(RetryPolicy policy) {
    return new ClusterRemote(hz, wire, policy, inFlight, reruns);
  }

  /** How many tasks were run again after a failure, since the start. */
  public long reruns() {
    return reruns.get();
  }

  /** The members that run tasks: the cluster's members but its lite ones. */
  public List<Member> workers() {
    List<Member> out = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public int parallelism() {
    int n = 0;
    for (Member m : workers()) {
      n += slots(m);
    }
    return Math.max(1, n);
  }

  private static int slots(Member m) {
    String s = m.getAttribute(HazelcastSetup.SLOTS);
    try {
      return s == null ? 1 : Math.max(1, Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  @Override
  public <T> T run(SerializableCallable<T> task, Class<?> replyNest) {
    byte[] bytes = wire.encodeTask(task);
    Predicate<Class<?>> reply = replyClasses(replyNest);
    Set<UUID> lost = new HashSet<>();
    List<Throwable> earlier = new ArrayList<>(0);
    for (int attempt = 1; ; attempt++) {
      Member m = pick(lost);
      try {
        return runOn(m, bytes, reply);
      } catch (RuntimeException e) {
        if (e instanceof MemberLostException) {
          lost.add(m.getUuid());
        }
        if (retry == null
            || attempt >= retry.maxAttempts()
            || e instanceof dev.eio.Cancelled
            || !retry.retryIf().test(e)) {
          for (Throwable t : earlier) {
            e.addSuppressed(t);
          }
          throw e;
        }
        earlier.add(e);
        reruns.incrementAndGet();
      }
    }
  }

  /** Runs {@code task} on {@code member}, wherever else work would go; no retry. */
  public <T> T runOn(Member member, SerializableCallable<T> task, Class<?> replyNest) {
    return runOn(member, wire.encodeTask(task), replyClasses(replyNest));
  }

  /** Runs {@code task} on the member that owns {@code key}'s partition now; no retry. */
  public <T> T runOnKeyOwner(Object key, SerializableCallable<T> task, Class<?> replyNest) {
    Member owner = hz.getPartitionService().getPartition(key).getOwner();
    if (owner == null) {
      throw new IllegalStateException("the partition of key " + key + " has no owner yet");
    }
    return runOn(owner, task, replyNest);
  }

  /** The least busy member not in {@code avoid} (any member when all are avoided). */
  private Member pick(Set<UUID> avoid) {
    List<Member> members = workers();
    if (members.isEmpty()) {
      throw new IllegalStateException("the cluster has no member that runs tasks");
    }
    Member best = null;
    double bestLoad = Double.MAX_VALUE;
    for (int pass = 0; pass < 2 && best == null; pass++) {
      for (Member m : members) {
        if (pass == 0 && avoid.contains(m.getUuid())) {
          continue;
        }
        double load = (double) counter(m).get() / slots(m);
        if (load < bestLoad) {
          best = m;
          bestLoad = load;
        }
      }
    }
    return best;
  }

  /** This JVM's half of every task id: random, so callers in other JVMs do not collide. */
  private static final long JVM_ID = new java.security.SecureRandom().nextLong();

  private static final AtomicLong NEXT_ID = new AtomicLong();

  /**
   * A task id unique on its member: this JVM's random half and a counter (a random UUID per call
   * cost a SecureRandom read on the caller in B9a).
   */
  private static UUID nextId() {
    return new UUID(JVM_ID, NEXT_ID.incrementAndGet());
  }

  private AtomicInteger counter(Member m) {
    return inFlight.computeIfAbsent(m.getUuid(), u -> new AtomicInteger());
  }

  @SuppressWarnings("unchecked")
  private <T> T runOn(Member m, byte[] bytes, Predicate<Class<?>> replyClasses) {
    Fiber.check();
    UUID id = nextId();
    AtomicInteger load = counter(m);
    load.incrementAndGet();
    try {
      Future<byte[]> f;
      try {
        f = ClientSubmission.submit(hz, HazelcastSetup.EXECUTOR, new Envelope(id, bytes), m);
      } catch (RuntimeException e) {
        throw lostOr(e, m);
      }
      byte[] answer;
      try {
        answer = await(f);
      } catch (InterruptedException e) {
        stop(f, id, m);
        Thread.currentThread().interrupt();
        Fiber.check(); // throws the caller's Cancelled
        throw new dev.eio.Cancelled(e);
      } catch (ExecutionException e) {
        // Hazelcast's MemberLeftException is itself an ExecutionException, without a cause.
        throw lostOr(e instanceof MemberLeftException || e.getCause() == null ? e : e.getCause(), m);
      }
      Outcome o = wire.decodeOutcome(answer, replyClasses);
      if (o.failure() == null) {
        return (T) o.value();
      }
      Throwable t = o.failure();
      t.addSuppressed(new RemoteNote("rethrown here from cluster member " + describe(m)));
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new WrappedCheckedException((Exception) t);
    } finally {
      load.decrementAndGet();
    }
  }

  /**
   * Waits for {@code f} in the calling thread. A member's {@code get()} waits through interrupts
   * (it sets the flag again when the reply comes), so a cancelled caller would wait for the whole
   * task; a timed get ends, flag set, at its timeout, and the reply still wakes this thread
   * directly (a callback would cost a hop through another thread: 3x the round trip in B9a). A
   * client's future instead ends at the interrupt, completed with an {@code InterruptedException}
   * while the task runs on ({@link ClientSubmission#cancel} still tells the member): a client
   * waits untimed, without the timer a timed park of a virtual thread costs per call (ADR 43).
   */
  private static byte[] await(Future<byte[]> f) throws InterruptedException, ExecutionException {
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (f instanceof ClientSubmission c) {
        return c.awaitAnswer();
      }
      try {
        return f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // look at the interrupt flag again
      }
    }
  }

  /** Interrupts the task on {@code m} and waits, protected and bounded, until it has stopped. */
  private void stop(Future<byte[]> f, UUID id, Member m) {
    Cancel.protect(
        () -> {
          f.cancel(true);
          try {
            hz.getExecutorService(HazelcastSetup.CONTROL)
                .submitToMember(new AwaitStop(id, STOP_WAIT_MILLIS), m)
                .get(STOP_WAIT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            // The member is gone (its task with it), or did not answer in time: stop waiting.
          }
        });
  }

  /** A {@link MemberLostException} when {@code e} says the member is gone, else {@code e}. */
  private RuntimeException lostOr(Throwable e, Member m) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MemberLeftException
          || c instanceof TargetNotMemberException
          || c instanceof TargetDisconnectedException
          || (c instanceof HazelcastInstanceNotActiveException && hz.getLifecycleService().isRunning())
          || (c instanceof RejectedExecutionException && !hz.getCluster().getMembers().contains(m))) {
        return new MemberLostException(describe(m), e);
      }
    }
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new WrappedCheckedException((Exception) e);
  }

  static String describe(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort() + " (" + m.getUuid() + ")";
  }

  private static Predicate<Class<?>> replyClasses(Class<?> nest) {
    if (nest == null) {
      return c -> false;
    }
    Class<?> host = nest.getNestHost();
    return c -> c.getNestHost() == host;
  }

  /** Says where a member's exception was rethrown, as {@code Workers} does. */
  static final class RemoteNote extends Exception {
    private static final long serialVersionUID = 1L;

    RemoteNote(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "ClusterRemote[" + hz.getName() + ", " + workers().size() + " members"
        + (retry == null ? "" : ", retry " + retry.maxAttempts()) + "]";
  }
}
