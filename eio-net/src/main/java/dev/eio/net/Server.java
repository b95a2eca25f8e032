package dev.eio.net;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Semaphore;
import dev.eio.Switch;
import dev.eio.internal.SystemClock;
import dev.eio.internal.Timers;
import dev.eio.io.EndOfInputException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One run of {@link Net#runServer}: the accept loops, the connections being served in the order
 * they were admitted, the error policy, and one timer that enforces {@link ServerOptions}' read,
 * write and slot limits (ADR 23).
 *
 * <p>Why one timer per server and not one per read: a read or write only stores its deadline in
 * its connection (a volatile long), and the timer, on eio's timer thread, walks the live
 * connections a few times per shortest limit. A connection costs no thread, no buffer and no
 * scheduled task; a limit fires up to a tick late.
 */
final class Server {
  static final System.Logger LOG = System.getLogger(Net.class.getName());

  private static final long MIN_TICK = Duration.ofMillis(5).toNanos();
  private static final long MAX_TICK = Duration.ofSeconds(1).toNanos();
  private static final long MIN_ACCEPT_BACKOFF = Duration.ofMillis(5).toNanos();
  private static final long MAX_ACCEPT_BACKOFF = Duration.ofSeconds(1).toNanos();
  // Deadlines are System.nanoTime() plus a limit, compared by difference: below 2^61 ns (73
  // years) the sum cannot wrap around into the past.
  private static final long MAX_LIMIT = 1L << 61;

  private final Listener listener;
  private final ConnectionHandler handler;
  private final ServerOptions options;
  private final Semaphore slots; // null: no limit
  private final long readNanos;
  private final long writeNanos;
  private final long leaseNanos; // 0: connections keep their slots
  private final long tickNanos; // 0: no limit to enforce, no timer

  // The live connections in the order they were admitted; guards the fields below it too.
  private final LinkedHashSet<Served> live = new LinkedHashSet<>();
  private int waiting; // accepted clients waiting for a slot
  private int evicting; // live connections cancelled to make room, not yet ended
  private boolean done;
  private ScheduledFuture<?> timer;

  /** A connection being served, with its handler's cancellation context. */
  private static final class Served {
    final Connection connection;
    final Cancel.Context context;
    final long admitted = System.nanoTime();
    boolean evicted; // guarded by live

    Served(Connection connection, Cancel.Context context) {
      this.connection = connection;
      this.context = context;
    }
  }

  private Server(Listener listener, ConnectionHandler handler, ServerOptions options) {
    this.listener = listener;
    this.handler = handler;
    this.options = options;
    this.slots = options.maxConnections() > 0 ? new Semaphore(options.maxConnections()) : null;
    this.readNanos = nanos(options.readTimeout());
    this.writeNanos = nanos(options.writeTimeout());
    this.leaseNanos = slots == null ? 0 : nanos(options.slotLease());
    long shortest = Long.MAX_VALUE;
    for (long limit : new long[] {readNanos, writeNanos, leaseNanos}) {
      if (limit > 0) {
        shortest = Math.min(shortest, limit);
      }
    }
    this.tickNanos = shortest == Long.MAX_VALUE ? 0 : Math.clamp(shortest / 4, MIN_TICK, MAX_TICK);
  }

  private static long nanos(Duration d) {
    return d.compareTo(Duration.ofNanos(MAX_LIMIT)) > 0 ? MAX_LIMIT : d.toNanos();
  }

  static void run(Listener listener, ConnectionHandler handler, ServerOptions options) {
    Server server = new Server(listener, handler, options);
    server.startTimer();
    try {
      server.serve();
    } finally {
      server.stopTimer();
    }
  }

  private void serve() {
    Promise<Void> stop = options.stop();
    Switch.run(
        "server " + listener.localAddress(),
        connections -> {
          StopSignal signal = new StopSignal();
          try {
            Cancel.sub(
                accepting ->
                    Switch.run(
                        "accept " + listener.localAddress(),
                        loops -> {
                          // Closes the listener once accepting is cancelled, by the stop or by
                          // the caller, even when no loop is blocked in accept (a cancelled accept
                          // closes it too): the clients that come later are refused, where they
                          // would otherwise queue in the backlog.
                          loops.forkDaemon(
                              () -> {
                                try {
                                  if (stop == null) {
                                    Fiber.awaitCancel();
                                  } else {
                                    stop.await();
                                    accepting.cancel(signal);
                                  }
                                } finally {
                                  listener.close();
                                }
                              });
                          for (int i = 0; i < options.acceptLoops(); i++) {
                            loops.fork(() -> acceptLoop(connections));
                          }
                        }));
          } catch (Cancelled c) {
            if (c.reason() != signal) {
              throw c; // not stopped: the caller was cancelled first
            }
          }
          // The switch now waits for the live connections to finish.
        });
  }

  private void acceptLoop(Switch connections) {
    long backoff = 0; // after a failed accept: how long to wait before the next one
    while (true) {
      // With a lease, a full server still accepts: the accepted client is the one waiting for a
      // slot, and the timer makes room for it. Without one, clients wait in the backlog.
      boolean holding = slots == null || slots.tryAcquire();
      if (!holding && leaseNanos == 0) {
        slots.acquire();
        holding = true;
      }
      Connection c;
      try {
        // A cancelled accept closes the listener rather than being interrupted, so a connection
        // the kernel hands over at that moment is returned, and served (see Listener.accept).
        c = listener.accept(connections);
      } catch (RuntimeException e) {
        if (holding && slots != null) {
          slots.release();
        }
        Fiber.check(); // cancelled: runServer closed the listener to end this loop
        if (!(e instanceof UncheckedIOException) || !listener.isOpen()) {
          throw e;
        }
        // This accept failed, not the listener: the process is out of descriptors, say, which
        // enough clients can cause. Stopping would cut every client off; wait and try again.
        backoff = Math.clamp(backoff * 2, MIN_ACCEPT_BACKOFF, MAX_ACCEPT_BACKOFF);
        LOG.log(
            System.Logger.Level.WARNING,
            "accept on " + listener.localAddress() + " failed, trying again in " + backoff / 1_000_000 + " ms",
            e);
        SystemClock.INSTANCE.sleep(Duration.ofNanos(backoff));
        continue;
      }
      backoff = 0;
      try {
        if (!holding) {
          awaitSlot();
          holding = true;
        }
        c.serverLimits(readNanos, writeNanos);
        connections.fork(
            () -> {
              try {
                serveOne(c);
              } finally {
                if (slots != null) {
                  slots.release();
                }
              }
            });
      } catch (RuntimeException e) {
        c.close(); // never admitted: a stop or a cancellation while it waited for a slot
        if (holding && slots != null) {
          slots.release();
        }
        throw e;
      }
    }
  }

  private void awaitSlot() {
    synchronized (live) {
      waiting++;
    }
    try {
      slots.acquire();
    } finally {
      synchronized (live) {
        waiting--;
      }
    }
  }

  private void serveOne(Connection c) throws Exception {
    Served[] entry = new Served[1];
    try {
      Cancel.sub(
          ctx -> {
            Served s = new Served(c, ctx);
            synchronized (live) {
              live.add(s);
            }
            entry[0] = s;
            handler.handle(c);
          });
    } catch (Cancelled e) {
      if (Fiber.isCancelled()) {
        throw e; // the server is cancelled
      }
      if (e.reason() instanceof LeaseEnded) {
        LOG.log(System.Logger.Level.DEBUG, () -> "closed the connection from " + c.peer() + ": " + e.reason().getMessage());
      }
      // Otherwise the connection was closed under the handler (by its owner): nothing to report.
    } catch (Exception e) {
      Served s = entry[0];
      if (s != null && s.context.isCancelled()) {
        // Evicted, and the handler turned the cancellation into another exception: still no
        // failure of its own.
        LOG.log(System.Logger.Level.DEBUG, () -> "closed the connection from " + c.peer() + " to make room", e);
      } else {
        failed(c, e);
      }
    } finally {
      c.close();
      Served s = entry[0];
      if (s != null) {
        synchronized (live) {
          live.remove(s);
          if (s.evicted) {
            evicting--;
          }
        }
      }
    }
  }

  /** A handler's failure: the server's, when it stops on errors and the peer is not to blame. */
  private void failed(Connection c, Exception e) throws Exception {
    boolean peers = e instanceof PeerIOException || e instanceof EndOfInputException;
    if (options.stopOnError() && !peers) {
      throw e; // fails the server's switch: every connection is cancelled, runServer rethrows
    }
    if (options.onError() != null) {
      options.onError().accept(e);
    } else {
      LOG.log(
          peers ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
          "the connection from " + c.peer() + " failed: " + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- the timer

  private void startTimer() {
    if (tickNanos > 0) {
      schedule();
    }
  }

  private void schedule() {
    synchronized (live) {
      if (!done) {
        timer = Timers.schedule(this::sweep, tickNanos);
      }
    }
  }

  private void stopTimer() {
    synchronized (live) {
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  /**
   * Runs on eio's timer thread, so it only decides under the lock and then closes or cancels,
   * neither of which blocks: closes each connection whose blocked read or write is overdue, and
   * cancels the oldest connections past their lease, one per waiting client not yet given room.
   */
  private void sweep() {
    long now = System.nanoTime();
    List<Served> overdue = new ArrayList<>(0);
    List<String> why = new ArrayList<>(0);
    List<Served> evict = new ArrayList<>(0);
    try {
      synchronized (live) {
        if (done) {
          return;
        }
        int room = waiting - evicting;
        if (readNanos > 0 || writeNanos > 0 || room > 0) {
          for (Served s : live) {
            String late = s.connection.overdue(now);
            if (late != null) {
              overdue.add(s);
              why.add(late);
            }
            if (room > 0 && !s.evicted && now - s.admitted >= leaseNanos) {
              s.evicted = true;
              evicting++;
              room--;
              evict.add(s);
            }
          }
        }
      }
      for (int i = 0; i < overdue.size(); i++) {
        overdue.get(i).connection.expire(why.get(i));
      }
      for (Served s : evict) {
        s.context.cancel(new LeaseEnded(Duration.ofNanos(now - s.admitted)));
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "the server's limit timer failed; it goes on", t);
    } finally {
      schedule();
    }
  }

  /** Why a connection was cancelled: it held its slot past its lease while a client waited. */
  private static final class LeaseEnded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseEnded(Duration held) {
      super(
          "it held its slot for " + held.toMillis() + " ms, past its lease, while a client waited",
          null,
          false,
          false);
    }
  }

  /** Why the accept loops were cancelled on a graceful stop; benign, so no stack trace. */
  private static final class StopSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopSignal() {
      super("server stopped", null, false, false);
    }
  }
}
