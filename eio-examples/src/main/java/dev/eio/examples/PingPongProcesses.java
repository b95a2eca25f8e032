package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.workers.Hub;
import dev.eio.workers.HubConnection;
import dev.eio.workers.HubEvent;
import dev.eio.workers.HubWorker;
import dev.eio.workers.Workers;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The async_parallel ping-pong hub across processes: each hub runs in a worker JVM of its own
 * ({@link Workers#spawn}), several clients (fibers of this JVM) connect to every hub, ping it and
 * get pongs from the hub's process; once every client has said it is done, the hub broadcasts how
 * many pings it answered, each client leaves, and the hub function returns that count.
 *
 * <p><b>Guarantees shown.</b> Every ping gets exactly one pong, from the hub it was sent to (its
 * process id says so) with its sequence number; every client hears every hub's broadcast once;
 * the hub sees each client connect and disconnect. The program ends because each hub's event
 * stream ends (the parent closed the hub to new parties and every client left), and no worker JVM
 * is left when the switch returns. Compare {@link PingPongHub}, the same protocol in one JVM.
 *
 * <p>Run: {@code ./eio-run PingPongProcesses} (optional
 * arguments: hubs, clients, pings per client and hub; default 2 3 5). Each hub costs a JVM start.
 */
public final class PingPongProcesses {
  private PingPongProcesses() {}

  /** What a client sends to a hub. */
  sealed interface ToHub extends Serializable permits Ping, Done {}

  /** A ping with the client's sequence number. */
  record Ping(int seq) implements ToHub {}

  /** The client sends no more pings. */
  record Done() implements ToHub {}

  /** What a hub sends to clients. */
  sealed interface FromHub extends Serializable permits Pong, Bye {}

  /** The answer to {@code Ping(seq)}, from the hub's process. */
  record Pong(int seq, long pid) implements FromHub {}

  /** The hub's broadcast once every client is done: how many pings it answered. */
  record Bye(long pid, int answered) implements FromHub {}

  /**
   * What one run saw.
   *
   * @param hubPids the process of each hub (none of them this JVM's)
   * @param pings the pings sent
   * @param pongs the pongs received, each checked against its ping and its hub's process
   * @param answeredByHub for each hub, the pings it answered (its function's result)
   * @param byesHeard the broadcasts received, over all clients
   */
  public record Result(
      List<Long> hubPids, int pings, int pongs, List<Integer> answeredByHub, int byesHeard) {}

  public static void main(String[] args) {
    int hubs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int pings = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Eio.run(env -> run(env, hubs, clients, pings, System.out));
  }

  /**
   * The hub function: answers pings, and once {@code clients} clients are done broadcasts its
   * count; returns when its event stream ends (closed to new parties, every client gone).
   */
  static int serve(Hub<ToHub, FromHub> hub, int clients) {
    long pid = ProcessHandle.current().pid();
    int answered = 0;
    int done = 0;
    for (HubEvent<ToHub> e : hub) {
      switch (e) {
        case HubEvent.Connected<ToHub> c -> System.out.println("party " + c.party() + " connected");
        case HubEvent.Message<ToHub>(long party, Ping(int seq)) -> {
          hub.send(party, new Pong(seq, pid));
          answered++;
        }
        case HubEvent.Message<ToHub>(long party, Done d) -> {
          if (++done == clients) {
            hub.broadcast(new Bye(pid, answered));
          }
        }
        case HubEvent.Disconnected<ToHub> d ->
            System.out.println("party " + d.party() + " disconnected");
      }
    }
    return answered;
  }

  /**
   * Spawns {@code hubs} hub workers and runs {@code clients} clients against all of them, each
   * sending {@code pings} pings per hub, one at a time. Prints what happens to {@code out} (the
   * hubs' own lines reach stderr, prefixed with their worker's name).
   *
   * @throws IllegalArgumentException when a count is below 1
   */
  public static Result run(Env env, int hubs, int clients, int pings, PrintStream out) {
    positive("hubs", hubs);
    positive("clients", clients);
    positive("pings", pings);
    out.printf(
        "ping-pong across processes: %d hub workers, %d clients, %d pings from every client to"
            + " every hub%n",
        hubs, clients, pings);
    return Switch.call(
        "ping-pong",
        sw -> {
          Workers workers = Workers.of(env).withName("hub");
          List<HubWorker<ToHub, FromHub, Integer>> spawned = new ArrayList<>();
          // conns.get(c).get(h): client c's connection to hub h.
          List<List<HubConnection<ToHub, FromHub>>> conns = new ArrayList<>();
          for (int c = 0; c < clients; c++) {
            conns.add(new ArrayList<>());
          }
          for (int h = 0; h < hubs; h++) {
            HubWorker<ToHub, FromHub, Integer> hub =
                workers.spawn(sw, hubOf -> serve(hubOf, clients));
            spawned.add(hub);
            conns.get(0).add(hub.connection());
            for (int c = 1; c < clients; c++) {
              conns.get(c).add(hub.connect());
            }
            hub.close(); // every party has connected
          }
          List<Long> pids = spawned.stream().map(HubWorker::pid).toList();
          List<int[]> seen =
              Fiber.map(
                  IntStream.range(0, clients).boxed().toList(),
                  clients,
                  c -> client(c, conns.get(c), pids, pings, out));
          List<Integer> answered = spawned.stream().map(h -> h.result().await()).toList();
          int pongs = seen.stream().mapToInt(s -> s[0]).sum();
          int byes = seen.stream().mapToInt(s -> s[1]).sum();
          for (int h = 0; h < hubs; h++) {
            out.printf(
                "hub %d (process %d) answered %d pings, then told all %d clients so%n",
                h, pids.get(h), answered.get(h), clients);
          }
          out.printf(
              "%d pings, %d pongs, %d broadcasts heard (%d clients x %d hubs)%n",
              hubs * clients * pings, pongs, byes, clients, hubs);
          return new Result(pids, hubs * clients * pings, pongs, answered, byes);
        });
  }

  /**
   * Pings every hub {@code pings} times, checking each pong, says it is done, waits for every
   * hub's broadcast and leaves; returns {pongs, broadcasts heard}.
   */
  private static int[] client(
      int id,
      List<HubConnection<ToHub, FromHub>> hubs,
      List<Long> pids,
      int pings,
      PrintStream out) {
    int pongs = 0;
    for (int seq = 0; seq < pings; seq++) {
      for (int h = 0; h < hubs.size(); h++) {
        HubConnection<ToHub, FromHub> hub = hubs.get(h);
        hub.send(new Ping(seq));
        FromHub reply = hub.receive();
        if (!(reply instanceof Pong(int got, long pid)) || got != seq || pid != pids.get(h)) {
          throw new IllegalStateException(
              "client " + id + " pinged hub " + h + " with " + seq + " and got " + reply);
        }
        if (id == 0 && seq == 0) {
          out.printf("client 0 -> hub %d: ping 0; hub %d (process %d) -> client 0: pong 0%n", h, h, pid);
        }
        pongs++;
      }
    }
    for (HubConnection<ToHub, FromHub> hub : hubs) {
      hub.send(new Done());
    }
    int byes = 0;
    for (int h = 0; h < hubs.size(); h++) {
      FromHub m = hubs.get(h).receive();
      if (!(m instanceof Bye(long pid, _)) || pid != pids.get(h)) {
        throw new IllegalStateException(
            "client " + id + " expected hub " + h + "'s broadcast, got " + m);
      }
      byes++;
      hubs.get(h).close();
    }
    return new int[] {pongs, byes};
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
