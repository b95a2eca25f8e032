package dev.eio.examples;

import dev.eio.Channel;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The async_parallel hub example, with fibers and channels: worker fibers answer pings through a
 * hub (one inbox shared by every client, each message tagged with its sender; replies to one
 * client or to all), several workers at once, and a broadcast from each worker when every client
 * has left.
 *
 * <p><b>Guarantees shown.</b> Every ping gets exactly one pong, from the worker it was sent to,
 * with its sequence number; every client hears every worker's broadcast once. The program ends
 * because every fiber does (the workers stop once all their clients have left), not because
 * anything is killed; it needs no sleeps or timeouts.
 *
 * <p>Run: {@code ./eio-run PingPongHub} (optional
 * arguments: workers, clients, pings per client and worker; default 3 4 5).
 */
public final class PingPongHub {
  private PingPongHub() {}

  /** What a client sends to a worker. */
  sealed interface ToWorker permits Ping, Leave {}

  /** A ping with the client's sequence number. */
  record Ping(int seq) implements ToWorker {}

  /** The client is done: it sends no more pings to this worker. */
  record Leave() implements ToWorker {}

  /** What a worker sends to clients. */
  sealed interface FromWorker permits Pong, Bye {}

  /** The answer to {@code Ping(seq)}. */
  record Pong(int worker, int seq) implements FromWorker {}

  /** The worker's broadcast once every client has left: how many pings it answered. */
  record Bye(int worker, int answered) implements FromWorker {}

  /** A message and the client that sent it. */
  record Envelope<T>(int from, T message) {}

  /**
   * async_parallel's {@code Hub}: clients send into one inbox, tagged with their id; the owner
   * {@link #listen}s, answers one client with {@link #send} or all of them with {@link
   * #sendToAll}. Each client has a reply channel of capacity 1: a client has at most one ping in
   * flight per worker, and the broadcast comes after its last pong was read, so replies never
   * wait.
   */
  static final class Hub<I, O> {
    private final Channel<Envelope<I>> inbox = Channel.create(16);
    private final List<Channel<O>> replies = new ArrayList<>();

    Hub(int clients) {
      for (int c = 0; c < clients; c++) {
        replies.add(Channel.create(1));
      }
    }

    int clients() {
      return replies.size();
    }

    /** Client {@code from} sends {@code message} to the hub's owner. */
    void post(int from, I message) {
      inbox.send(new Envelope<>(from, message));
    }

    /** Client {@code id} waits for its next message from the owner. */
    O receive(int id) {
      return replies.get(id).receive();
    }

    /** The owner waits for the next message from any client. */
    Envelope<I> listen() {
      return inbox.receive();
    }

    /** The owner answers one client. */
    void send(int to, O message) {
      replies.get(to).send(message);
    }

    /** The owner tells every client. */
    void sendToAll(O message) {
      for (Channel<O> r : replies) {
        r.send(message);
      }
    }
  }

  /**
   * What one run saw.
   *
   * @param pings the pings sent
   * @param pongs the pongs received, each checked against its ping
   * @param answeredByWorker for each worker, the pings it answered (as it broadcast)
   * @param byesHeard the broadcasts received, over all clients
   */
  public record Result(int pings, int pongs, List<Integer> answeredByWorker, int byesHeard) {}

  public static void main(String[] args) {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int pings = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Eio.run(env -> run(workers, clients, pings, System.out));
  }

  /**
   * Runs {@code workers} workers and {@code clients} clients; each client sends {@code pings}
   * pings to every worker, one at a time, then leaves. Prints what happens to {@code out}.
   *
   * @throws IllegalArgumentException when a count is below 1
   */
  public static Result run(int workers, int clients, int pings, PrintStream out) {
    positive("workers", workers);
    positive("clients", clients);
    positive("pings", pings);
    out.printf(
        "ping-pong hub: %d workers, %d clients, %d pings from every client to every worker%n",
        workers, clients, pings);
    List<Hub<ToWorker, FromWorker>> hubs = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      hubs.add(new Hub<>(clients));
    }
    return Switch.call(
        "hub",
        sw -> {
          List<Integer> workerIds = IntStream.range(0, workers).boxed().toList();
          // The workers run beside the clients; their promises hold what they broadcast.
          var answered = workerIds.stream().map(w -> sw.forkPromise(() -> worker(w, hubs.get(w)))).toList();
          List<int[]> seen =
              Fiber.map(
                  IntStream.range(0, clients).boxed().toList(),
                  clients,
                  c -> client(c, hubs, pings, out));
          List<Integer> perWorker = answered.stream().map(p -> p.await()).toList();
          int pongs = seen.stream().mapToInt(s -> s[0]).sum();
          int byes = seen.stream().mapToInt(s -> s[1]).sum();
          for (int w = 0; w < workers; w++) {
            out.printf(
                "worker %d answered %d pings, then told all %d clients so%n",
                w, perWorker.get(w), clients);
          }
          out.printf(
              "%d pings, %d pongs, %d broadcasts heard (%d clients x %d workers)%n",
              workers * clients * pings, pongs, byes, clients, workers);
          return new Result(workers * clients * pings, pongs, perWorker, byes);
        });
  }

  /** Answers pings until every client has left, then broadcasts how many it answered. */
  private static int worker(int id, Hub<ToWorker, FromWorker> hub) {
    int answered = 0;
    int left = 0;
    while (left < hub.clients()) {
      Envelope<ToWorker> e = hub.listen();
      switch (e.message()) {
        case Ping p -> {
          hub.send(e.from(), new Pong(id, p.seq()));
          answered++;
        }
        case Leave l -> left++;
      }
    }
    hub.sendToAll(new Bye(id, answered));
    return answered;
  }

  /**
   * Pings every worker {@code pings} times, checking each pong, leaves, and waits for every
   * worker's broadcast; returns {pongs, broadcasts heard}.
   */
  private static int[] client(
      int id, List<Hub<ToWorker, FromWorker>> hubs, int pings, PrintStream out) {
    int pongs = 0;
    for (int seq = 0; seq < pings; seq++) {
      for (int w = 0; w < hubs.size(); w++) {
        Hub<ToWorker, FromWorker> hub = hubs.get(w);
        hub.post(id, new Ping(seq));
        FromWorker reply = hub.receive(id);
        if (!(reply instanceof Pong(int from, int got)) || from != w || got != seq) {
          throw new IllegalStateException(
              "client " + id + " pinged worker " + w + " with " + seq + " and got " + reply);
        }
        if (id == 0 && seq == 0) {
          out.printf("client 0 -> worker %d: ping 0; worker %d -> client 0: pong 0%n", w, w);
        }
        pongs++;
      }
    }
    for (int w = 0; w < hubs.size(); w++) {
      hubs.get(w).post(id, new Leave());
    }
    int byes = 0;
    for (int w = 0; w < hubs.size(); w++) {
      FromWorker m = hubs.get(w).receive(id);
      if (!(m instanceof Bye(int from, _)) || from != w) {
        throw new IllegalStateException(
            "client " + id + " expected worker " + w + "'s broadcast, got " + m);
      }
      byes++;
    }
    return new int[] {pongs, byes};
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
