package dev.eio.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.eio.Channel;
import dev.eio.ChannelClosedException;
import dev.eio.Clock;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.Task;
import dev.eio.Time;
import dev.eio.io.BufReader;
import dev.eio.io.BufWriter;
import dev.eio.io.EndOfInputException;
import dev.eio.io.Flow;
import dev.eio.io.ShutdownCommand;
import dev.eio.net.Connection;
import dev.eio.net.Listener;
import dev.eio.net.Net;
import dev.eio.net.ServerOptions;
import dev.eio.process.ChildProcess;
import dev.eio.process.ExitStatus;
import dev.eio.process.ProcessManager;
import dev.eio.process.SpawnOptions;
import dev.eio.process.Stdio;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's workloads, one kind per method: each runs one short operation in switches of its
 * own, maybe under a random timeout (a cancellation at a random point), checks its invariant
 * when it was not cancelled, and counts what it did. A broken invariant throws {@link
 * SoakFailure}; anything unexpected propagates, and both end the soak.
 */
final class SoakOps {
  /** An invariant that did not hold. */
  static final class SoakFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SoakFailure(String message) {
      super(message);
    }
  }

  /** Counters of one kind of operation. */
  static final class Kind {
    final String name;
    final LongAdder started = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    /** The longest operation so far, in nanoseconds. */
    final java.util.concurrent.atomic.LongAccumulator slowest =
        new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    Kind(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name + " " + started.sum() + " (" + completed.sum() + " completed, "
          + cancelled.sum() + " cancelled, slowest " + slowest.get() / 1_000_000 + " ms)";
    }
  }

  final Kind net = new Kind("net");
  final Kind channels = new Kind("channels");
  final Kind processes = new Kind("processes");
  /** Fibers forked by the operations and the echo server's handlers that have not ended. */
  final AtomicInteger liveFibers = new AtomicInteger();
  final AtomicLong channelItems = new AtomicLong();
  final AtomicLong bytesEchoed = new AtomicLong();
  /** Connections the echo server saw fail because the client vanished mid-exchange. */
  final AtomicLong serverPeerErrors = new AtomicLong();
  private final ConcurrentLinkedQueue<Throwable> serverFailures = new ConcurrentLinkedQueue<>();

  private final Clock clock;
  private final Net netCap;
  private final ProcessManager pm;
  private SocketAddress echoAddress;

  SoakOps(Clock clock, Net net, ProcessManager pm) {
    this.clock = clock;
    this.netCap = net;
    this.pm = pm;
  }

  List<Kind> kinds() {
    return List.of(net, channels, processes);
  }

  /** The first failure of an echo handler that was not a vanished client, if any. */
  Throwable serverFailure() {
    return serverFailures.peek();
  }

  /** Forks {@code task} into {@code sw}, counting it as a live fiber until it ends. */
  void fork(Switch sw, Task task) {
    sw.fork(
        () -> {
          // Counted once running: a fiber forked into a switch being cancelled may never run.
          liveFibers.incrementAndGet();
          try {
            task.run();
          } finally {
            liveFibers.decrementAndGet();
          }
        });
  }

  /** Starts the TCP echo server in {@code sw}; it stops when {@code stop} is resolved. */
  void startEchoServer(Switch sw, Promise<Void> stop) {
    Listener listener = netCap.listen(sw, new java.net.InetSocketAddress("127.0.0.1", 0));
    echoAddress = listener.localAddress();
    sw.fork(
        () ->
            Net.runServer(
                listener,
                conn -> {
                  liveFibers.incrementAndGet();
                  try {
                    Flow.copy(conn, conn); // until the client half-closes or vanishes
                    conn.shutdown(ShutdownCommand.SEND);
                  } finally {
                    liveFibers.decrementAndGet();
                  }
                },
                ServerOptions.defaults()
                    .withStop(stop)
                    .withOnError(
                        e -> {
                          // A client cancelled mid-exchange closes its socket: the echo then sees
                          // a reset or a broken pipe. Anything else is a failure of the soak.
                          if (e instanceof UncheckedIOException) {
                            serverPeerErrors.incrementAndGet();
                          } else {
                            serverFailures.add(e);
                          }
                        })));
  }

  /**
   * Runs {@code body} with probability 1/3 under a timeout of 0 to 20 ms (so it is cancelled at
   * a random point, or not at all), else plainly; counts the outcome in {@code kind}.
   */
  private void maybeCancelled(SplittableRandom rnd, Kind kind, Task body) throws Exception {
    kind.started.increment();
    if (rnd.nextInt(3) == 0) {
      Duration limit = Duration.of(rnd.nextLong(20_000), ChronoUnit.MICROS);
      if (!Time.withTimeout(clock, limit, body)) {
        kind.cancelled.increment();
        return;
      }
    } else {
      body.run();
    }
    kind.completed.increment();
  }

  // ------------------------------------------------------------------ net

  /**
   * A client connects to the echo server, sends random lines through a BufWriter, reads each
   * echo back with a BufReader (ping-pong or all at once), half-closes, and expects end of input.
   */
  void netRound(SplittableRandom rnd) throws Exception {
    int lines = 1 + rnd.nextInt(20);
    String[] sent = new String[lines];
    for (int i = 0; i < lines; i++) {
      sent[i] = randomLine(rnd);
    }
    boolean pingPong = rnd.nextBoolean();
    maybeCancelled(
        rnd,
        net,
        () ->
            Switch.run(
                csw -> {
                  Connection c = netCap.connect(csw, echoAddress);
                  BufReader in = BufReader.of(c, 4096);
                  BufWriter out = BufWriter.of(csw, c, 1 + rnd.nextInt(512));
                  for (int i = 0; i < lines; i++) {
                    out.writeString(sent[i]);
                    out.writeChar('\n');
                    if (pingPong) {
                      out.flush();
                      expectLine(in, sent[i]);
                    }
                  }
                  out.close();
                  c.shutdown(ShutdownCommand.SEND);
                  if (!pingPong) {
                    for (String s : sent) {
                      expectLine(in, s);
                    }
                  }
                  if (!in.atEndOfInput()) {
                    throw new SoakFailure("echo sent more than was written: " + in);
                  }
                  bytesEchoed.addAndGet(in.offset());
                }));
  }

  private static void expectLine(BufReader in, String want) {
    String got;
    try {
      got = in.line();
    } catch (EndOfInputException e) {
      throw new SoakFailure("echo ended early, expected " + want.length() + " chars: " + e);
    }
    if (!got.equals(want)) {
      throw new SoakFailure("echo differs: sent \"" + want + "\", got \"" + got + "\"");
    }
  }

  private static String randomLine(SplittableRandom rnd) {
    String[] pieces = {"a", "bc", " ", "é", "€", "𝄞", "\r", "xyz", "0123456789"};
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(40); n > 0; n--) {
      sb.append(pieces[rnd.nextInt(pieces.length)]);
    }
    // A line ending in CR would lose it to the CRLF rule.
    return sb.toString().endsWith("\r") ? sb + "." : sb.toString();
  }

  // ------------------------------------------------------------------ channels

  /**
   * Producers and consumers on a bounded or rendezvous channel, each maybe cancelled at a random
   * point. One consumer is never cancelled, so every send completes or is cancelled; then the
   * channel is closed. Invariant: the items received are exactly the items whose send returned.
   */
  void channelRound(SplittableRandom rnd) throws Exception {
    Channel<Long> ch = rnd.nextBoolean() ? Channel.rendezvous() : Channel.create(1 + rnd.nextInt(16));
    int producers = 1 + rnd.nextInt(3);
    int consumers = rnd.nextInt(3); // besides the one never cancelled
    int items = 1 + rnd.nextInt(200);
    ConcurrentLinkedQueue<Long> sent = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> received = new ConcurrentLinkedQueue<>();
    long[] limits = new long[producers + consumers];
    for (int i = 0; i < limits.length; i++) {
      limits[i] = rnd.nextInt(3) == 0 ? rnd.nextLong(5_000) : -1;
    }
    channels.started.increment();
    Switch.run(
        sw -> {
          Task drain =
              () -> {
                while (true) {
                  try {
                    received.add(ch.receive());
                  } catch (ChannelClosedException e) {
                    return;
                  }
                }
              };
          fork(sw, drain);
          for (int c = 0; c < consumers; c++) {
            long limit = limits[producers + c];
            fork(sw, () -> cancelledAfter(limit, drain));
          }
          Switch.run(
              psw -> {
                for (int p = 0; p < producers; p++) {
                  long base = (long) p << 32;
                  long limit = limits[p];
                  fork(
                      psw,
                      () ->
                          cancelledAfter(
                              limit,
                              () -> {
                                for (long i = 0; i < items; i++) {
                                  ch.send(base + i);
                                  sent.add(base + i); // no cancellation point since the send
                                }
                              }));
                }
              });
          ch.close();
        });
    long[] s = sent.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] r = received.stream().mapToLong(Long::longValue).sorted().toArray();
    if (!Arrays.equals(s, r)) {
      throw new SoakFailure(
          "channel " + ch + ": " + s.length + " items sent, " + r.length + " received, not the"
              + " same items");
    }
    channelItems.addAndGet(r.length);
    boolean anyCancelled = Arrays.stream(limits).anyMatch(l -> l >= 0);
    (anyCancelled ? channels.cancelled : channels.completed).increment();
  }

  /** Runs {@code body}, cancelled after {@code micros} unless negative. */
  private void cancelledAfter(long micros, Task body) throws Exception {
    if (micros < 0) {
      body.run();
    } else {
      Time.withTimeout(clock, Duration.of(micros, ChronoUnit.MICROS), body);
    }
  }

  // ------------------------------------------------------------------ processes

  /**
   * One of: {@code true} (exits 0); {@code cat} echoing random bytes through pipes; {@code cat |
   * cat} (the first's output piped into the second); {@code sleep 5} under a short timeout (it
   * must be killed). Each maybe cancelled at a random point, which kills the children.
   */
  void processRound(SplittableRandom rnd) throws Exception {
    int which = rnd.nextInt(4);
    if (which == 3) {
      processes.started.increment();
      if (Time.withTimeout(
          clock,
          Duration.ofMillis(rnd.nextLong(50)),
          () -> Switch.run(sw -> pm.spawn(sw, List.of("sleep", "5")).await()))) {
        throw new SoakFailure("sleep 5 finished within 50 ms");
      }
      processes.cancelled.increment();
      return;
    }
    byte[] data = new byte[rnd.nextInt(64 * 1024)];
    rnd.nextBytes(data);
    maybeCancelled(
        rnd,
        processes,
        () ->
            Switch.run(
                sw -> {
                  if (which == 0) {
                    expectSuccess(pm.spawn(sw, List.of("true")).await(), "true");
                    return;
                  }
                  SpawnOptions pipes = SpawnOptions.defaults().stdin(Stdio.pipe()).stdout(Stdio.pipe());
                  ChildProcess first = pm.spawn(sw, List.of("cat"), pipes);
                  ChildProcess last =
                      which == 1
                          ? first
                          : pm.spawn(
                              sw,
                              List.of("cat"),
                              SpawnOptions.defaults().stdin(Stdio.from(first.stdout())).stdout(Stdio.pipe()));
                  fork(
                      sw,
                      () -> {
                        first.stdin().write(data);
                        first.closeStdin();
                      });
                  byte[] got = BufReader.of(last.stdout(), data.length + 1).takeAll();
                  // A timeout cancels the pump between the two cats too: the last one then ends
                  // its output early, and the read completes with what came before the end. Only
                  // an operation that was not cancelled must have copied every byte.
                  Fiber.check();
                  if (!Arrays.equals(got, data)) {
                    throw new SoakFailure(
                        "cat" + (which == 2 ? " | cat" : "") + " returned " + got.length
                            + " bytes differing from the " + data.length + " written");
                  }
                  expectSuccess(first.await(), "cat");
                  expectSuccess(last.await(), "cat");
                }));
  }

  private static void expectSuccess(ExitStatus status, String command) {
    if (!status.isSuccess()) {
      throw new SoakFailure(command + " ended with " + status);
    }
  }
}
