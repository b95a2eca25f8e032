package dev.eio.examples;

import dev.eio.Env;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.LocalMembers;
import dev.eio.cluster.MemberLostException;
import dev.eio.parallel.DomainManager;
import dev.eio.parallel.Parallel;
import dev.eio.parallel.RetryPolicy;
import dev.eio.parallel.Where;
import dev.eio.workers.SerializationCodec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Functory/MPI-style computation on a cluster of member JVMs on this machine: count the primes
 * below a bound, the master splitting the range into tasks and summing their counts as they come
 * back ({@link Parallel#compute}), first on one domain of this JVM, then on the members of a
 * cluster of {@code k} local member JVMs (one core each) through a client. With {@code --kill},
 * one member is killed with SIGKILL mid-run: its tasks run again on the others
 * ({@link RetryPolicy} on {@link MemberLostException}) and the count is still exact.
 *
 * <p>Prints a table: members, wall time, speedup over the one-domain run, tasks re-run.
 *
 * <p>Run: {@code ./eio-run ClusterCompute --kill} (optional: {@code --members 3 --bound 3000000}).
 */
public final class ClusterCompute {
  private ClusterCompute() {}

  /** A half-open range of numbers to test. */
  public record Range(long from, long to) implements java.io.Serializable {}

  /**
   * One run.
   *
   * @param where "1 domain" or "k member JVMs"
   * @param primes the count found
   * @param millis the wall time
   * @param reruns tasks run again after a member was lost
   */
  public record Row(String where, long primes, long millis, long reruns) {}

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "none");
    int members = 3;
    long bound = 3_000_000;
    boolean kill = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--kill" -> kill = true;
        case "--members" -> members = Integer.parseInt(args[++i]);
        case "--bound" -> bound = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    int k = members;
    long b = bound;
    boolean killOne = kill;
    Eio.run(env -> run(env, k, b, killOne, System.out));
  }

  /** Counts the primes below {@code bound} locally, then on {@code members} member JVMs. */
  public static List<Row> run(Env env, int members, long bound, boolean kill, PrintStream out) {
    List<Range> tasks = new ArrayList<>();
    long step = Math.max(1, bound / (members * 16L));
    for (long lo = 0; lo < bound; lo += step) {
      tasks.add(new Range(lo, Math.min(bound, lo + step)));
    }
    List<Row> rows = new ArrayList<>();
    Switch.run(
        sw -> {
          rows.add(count("1 domain", Where.domains(DomainManager.create(sw, 1)), tasks, null));
          out.printf("%-16s %10s %9s %8s %13s%n", "where", "wall ms", "speedup", "re-run", "primes");
          print(out, rows.get(0), rows.get(0));
          ClusterConfig config =
              ClusterConfig.local("cluster-compute-" + UUID.randomUUID())
                  .withCodec(SerializationCodec.defaults().allowing(ClusterCompute.class, Range.class));
          LocalMembers jvms =
              LocalMembers.start(env, sw, config, members, List.of("-XX:ActiveProcessorCount=1"));
          Cluster client = Cluster.connect(env, sw, jvms.config());
          Where where = client.where(RetryPolicy.retry(3, e -> e instanceof MemberLostException));
          Row row =
              Switch.call(
                  inner -> {
                    if (kill) {
                      long half = Math.max(200, rows.get(0).millis() / (2L * members));
                      inner.forkDaemon(
                          () -> {
                            env.clock().sleep(Duration.ofMillis(half));
                            jvms.kill(members - 1);
                            out.println("killed member " + jvms.addresses().get(members - 1) + " (kill -9)");
                          });
                    }
                    return count(members + " member JVMs", where, tasks, client);
                  });
          rows.add(row);
          print(out, rows.get(0), row);
          if (row.primes() != rows.get(0).primes()) {
            throw new IllegalStateException("the cluster counted " + row.primes() + " primes, not " + rows.get(0).primes());
          }
        });
    return rows;
  }

  private static Row count(String name, Where where, List<Range> tasks, Cluster cluster) {
    long[] primes = {0};
    long start = System.nanoTime();
    Parallel.compute(
        where,
        ClusterCompute::primesIn,
        (Range task, Long n) -> {
          primes[0] += n;
          return List.of();
        },
        tasks,
        RetryPolicy.failFast());
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Row(name, primes[0], millis, cluster == null ? 0 : cluster.reruns());
  }

  private static void print(PrintStream out, Row base, Row row) {
    out.printf(
        "%-16s %10d %8.2fx %8d %13d%n",
        row.where(), row.millis(), (double) base.millis() / Math.max(1, row.millis()), row.reruns(), row.primes());
  }

  /** The number of primes in {@code r}, by trial division (CPU-heavy on purpose). */
  static long primesIn(Range r) {
    long n = 0;
    for (long x = Math.max(2, r.from()); x < r.to(); x++) {
      boolean prime = true;
      for (long d = 2; d * d <= x; d++) {
        if (x % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        n++;
      }
    }
    return n;
  }
}
