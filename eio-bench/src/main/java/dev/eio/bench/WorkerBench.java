package dev.eio.bench;

import dev.eio.Channel;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.parallel.DomainManager;
import dev.eio.workers.Hub;
import dev.eio.workers.HubConnection;
import dev.eio.workers.HubEvent;
import dev.eio.workers.HubWorker;
import dev.eio.workers.WorkerPool;
import dev.eio.workers.Workers;
import java.util.Arrays;
import java.util.Map;

/**
 * B8 (issue 9): worker processes beside in-process domains, side by side in one JVM run.
 *
 * <ul>
 *   <li>Round trip of an empty task: {@code domains.run(() -> null)} on 1 domain against {@code
 *       pool.submit(() -> null)} on a pool of 1 worker JVM (encode, pipe, decode, run, and back).
 *   <li>Tasks per second per worker: 2 submitter fibers keeping 2 domains or 2 workers busy with a
 *       small task (sum of 1..1000).
 *   <li>Hub round trip: a message to an echoing party and back, over a pair of {@code Channel}s
 *       with an echo fiber against a {@code HubConnection} to a spawned hub in a worker JVM.
 *   <li>A one-shot {@code Workers.run}: the cost of starting a fresh worker JVM, for scale.
 * </ul>
 *
 * <p>Arguments (all optional): {@code calls} per measurement (default 300), {@code rounds}
 * (default 9).
 */
public final class WorkerBench {
  private static volatile Object sink;

  private WorkerBench() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    System.out.printf(
        "WorkerBench: %d cores, %d calls per measurement, %d rounds, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        calls,
        rounds,
        System.getProperty("java.version"));
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  DomainManager one = DomainManager.create(sw, 1);
                  DomainManager two = DomainManager.create(sw, 2);
                  Workers workers = Workers.of(env);
                  WorkerPool pool1 = workers.pool(sw, 1);
                  WorkerPool pool2 = workers.pool(sw, 2);

                  new Ratio("Round trip of an empty task", "ns/call")
                      .add(
                          "domains.run, 1 domain",
                          () ->
                              timePerCall(
                                  calls * 10,
                                  () -> {
                                    sink = one.run(() -> null);
                                  }))
                      .add(
                          "WorkerPool.submit, 1 worker JVM",
                          () ->
                              timePerCall(
                                  calls,
                                  () -> {
                                    sink = pool1.submit(() -> null);
                                  }))
                      .run(2, rounds);

                  Map<String, Long> perTask =
                      new Ratio("A small task (sum 1..1000), 2 submitters", "ns/task")
                          .add(
                              "domains.run, 2 domains",
                              () -> twoSubmitters(calls * 10, () -> sink = two.run(WorkerBench::sum)))
                          .add(
                              "WorkerPool.submit, 2 worker JVMs",
                              () -> twoSubmitters(calls, () -> sink = pool2.submit(WorkerBench::sum)))
                          .run(2, rounds);
                  perTask.forEach(
                      (k, ns) ->
                          System.out.printf(
                              "  %-42s %,12.0f tasks/s per domain or worker%n",
                              k, 1e9 / ns / 2));

                  // Hub round trips: a message to an echoing party and its answer. In process,
                  // a fiber echoes over two channels; across processes, a spawned hub echoes.
                  Channel<Integer> toEcho = Channel.create(1);
                  Channel<Integer> fromEcho = Channel.create(1);
                  sw.forkDaemon(
                      () -> {
                        while (true) {
                          fromEcho.send(toEcho.receive());
                        }
                      });
                  HubWorker<Integer, Integer, Void> echo = workers.spawn(sw, WorkerBench::echo);
                  HubConnection<Integer, Integer> party = echo.connection();
                  Map<String, Long> perMessage =
                      new Ratio("Hub round trip (send, answer, receive)", "ns/message")
                          .add(
                              "Channel pair, echo fiber",
                              () ->
                                  timePerCall(
                                      calls * 10,
                                      () -> {
                                        toEcho.send(1);
                                        sink = fromEcho.receive();
                                      }))
                          .add(
                              "HubConnection, hub in a worker JVM",
                              () ->
                                  timePerCall(
                                      calls,
                                      () -> {
                                        party.send(1);
                                        sink = party.receive();
                                      }))
                          .run(2, rounds);
                  perMessage.forEach(
                      (k, ns) ->
                          System.out.printf("  %-42s %,12.0f round trips/s%n", k, 1e9 / ns));
                  echo.close();
                  party.close();
                  echo.result().await();

                  long[] starts = new long[3];
                  for (int i = 0; i < starts.length; i++) {
                    long t0 = System.nanoTime();
                    sink = workers.run(sw, () -> null);
                    starts[i] = System.nanoTime() - t0;
                  }
                  Arrays.sort(starts);
                  System.out.printf(
                      "%nWorkers.run of an empty task (a fresh worker JVM each time), median of 3:"
                          + " %.0f ms%n",
                      starts[1] / 1e6);
                }));
  }

  /** The hub of the hub round trip: answers each message to its sender. */
  private static Void echo(Hub<Integer, Integer> hub) {
    for (HubEvent<Integer> e : hub) {
      if (e instanceof HubEvent.Message<Integer>(long party, Integer n)) {
        hub.send(party, n);
      }
    }
    return null;
  }

  private static Long sum() {
    long s = 0;
    for (int i = 1; i <= 1000; i++) {
      s += i;
    }
    return s;
  }

  private interface Call {
    void run();
  }

  private static long timePerCall(int n, Call call) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      call.run();
    }
    return (System.nanoTime() - t0) / n;
  }

  private static long twoSubmitters(int n, Call call) {
    long t0 = System.nanoTime();
    Fiber.both(
        () -> {
          for (int i = 0; i < n / 2; i++) {
            call.run();
          }
        },
        () -> {
          for (int i = 0; i < n / 2; i++) {
            call.run();
          }
        });
    return (System.nanoTime() - t0) / n;
  }
}
