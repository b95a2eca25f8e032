package dev.eio.workers;

import dev.eio.Cancelled;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.internal.workers.WorkerFrames;
import dev.eio.internal.workers.WorkerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The parent's handle on a worker running a {@link HubFunction} (async_parallel's {@code spawn}):
 * the {@linkplain #connection first connection}, more parties with {@link #connect}, and the
 * {@linkplain #result promise} of the function's result. Made by {@link Workers#spawn}.
 *
 * <p><b>Guarantees.</b> The worker belongs to the switch given to {@code spawn}: when that switch
 * finishes, a hub function still running is interrupted, given the grace period to return, and
 * its worker is then killed; its promise is failed with {@link Cancelled} and its connections are
 * broken with it. The worker has exited before the switch returns. The hub's outcome goes to the
 * promise and the connections, not to the switch: the function's value resolves the promise and
 * ends every connection normally (after the messages sent before it returned); its exception (same
 * class, message and remote stack, as for {@link Workers#run}) or the worker's death ({@link
 * WorkerCrashedException}) fails the promise and breaks every connection. Once the function has
 * returned its worker exits. {@link #close} tells the hub no more parties will come: its event
 * stream ends after the last open party has left.
 *
 * <pre>{@code
 * HubFunction<String, String, Integer> pongs = hub -> {
 *   int n = 0;
 *   for (HubEvent<String> e : hub) {
 *     if (e instanceof HubEvent.Message<String> m) { hub.send(m.party(), "pong"); n++; }
 *   }
 *   return n;
 * };
 * Eio.run(env -> Switch.run(sw -> {
 *   HubWorker<String, String, Integer> hub = Workers.of(env).spawn(sw, pongs);
 *   List<HubConnection<String, String>> parties = List.of(hub.connection(), hub.connect());
 *   hub.close(); // no more parties: the hub's loop ends when both have left
 *   for (var p : parties) {
 *     sw.fork(() -> { p.send("ping"); System.out.println(p.receive()); p.close(); });
 *   }
 *   System.out.println(hub.result().await() + " pongs");
 * }));
 * }</pre>
 *
 * @param <I> the type of the messages parties send to the hub
 * @param <O> the type of the messages the hub sends to parties
 * @param <R> the type of the hub function's result
 */
public final class HubWorker<I, O, R> {
  private final WorkerProcess process;
  private final Codec codec;
  private final Predicate<Class<?>> allowed;
  private final Duration grace;
  private final Promise<R> result = Promise.create();
  private final AtomicLong partyIds = new AtomicLong();
  private final Map<Long, HubConnection<I, O>> open = new ConcurrentHashMap<>();
  private final HubConnection<I, O> first;
  private final WorkerProcess.Call call;
  private boolean closedForParties; // guarded by this
  private boolean ended; // guarded by this
  private Throwable endCause; // guarded by this; null when the hub ended well or runs

  HubWorker(Switch sw, WorkerProcess process, HubFunction<I, O, R> fn, Codec codec, Duration grace) {
    this.process = process;
    this.codec = codec;
    this.allowed = Workers.ownClasses(fn);
    this.grace = grace;
    process.onOtherFrames(this::onFrame);
    Switch.ReleaseHandle release;
    try {
      release = sw.onRelease(this::release);
    } catch (RuntimeException e) {
      process.kill();
      throw e;
    }
    try {
      call = process.submit(WorkerFrames.SPAWN, fn);
      first = openConnection();
    } catch (RuntimeException | Error e) {
      release.remove();
      process.kill();
      throw e;
    }
    call.reply().whenComplete(this::replied);
  }

  /** The connection opened by {@code spawn}: the hub receives its Connected event first. */
  public HubConnection<I, O> connection() {
    return first;
  }

  /**
   * Connects another party; the hub receives its {@link HubEvent.Connected} after the events
   * already sent to it.
   *
   * @throws IllegalStateException when the hub was {@linkplain #close closed} or has ended
   */
  public HubConnection<I, O> connect() {
    return openConnection();
  }

  /**
   * Tells the hub that no more parties will connect: its event stream ends once every open party
   * has disconnected, so a for-each loop over the hub ends. Connections already open keep working.
   * Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closedForParties || ended) {
        closedForParties = true;
        return;
      }
      closedForParties = true;
    }
    sendQuietly(WorkerFrames.END, 0);
  }

  /**
   * The promise of the hub function's result: resolved with its value, failed with its exception,
   * with {@link WorkerCrashedException} when the worker dies, or with {@link Cancelled} when the
   * switch finishes first. Its failure does not fail the switch.
   */
  public Promise<R> result() {
    return result;
  }

  /** The worker's name, as in its stderr prefix. */
  public String name() {
    return process.name();
  }

  /** The worker's process id. */
  public long pid() {
    return process.pid();
  }

  private HubConnection<I, O> openConnection() {
    HubConnection<I, O> c;
    synchronized (this) {
      if (closedForParties || ended) {
        throw new IllegalStateException(
            "hub " + name() + (ended ? " has ended" : " is closed") + ": no new party can connect");
      }
      c = new HubConnection<>(this, partyIds.incrementAndGet());
      open.put(c.id(), c);
      // Under the lock, so that END (sent by close) never overtakes an OPEN.
      try {
        process.send(WorkerFrames.OPEN, c.id(), WorkerFrames.NO_PAYLOAD);
      } catch (IOException e) {
        open.remove(c.id());
        throw new IllegalStateException("hub " + name() + " is gone", process.awaitDeath());
      }
    }
    return c;
  }

  /** A connection closed by its party. */
  void disconnected(HubConnection<I, O> c) {
    if (open.remove(c.id()) != null) {
      sendQuietly(WorkerFrames.CLOSE, c.id());
    }
  }

  /** Frames that answer no call, on the worker's reader thread. */
  private void onFrame(WorkerFrames.Frame f) {
    HubConnection<I, O> c = open.get(f.id());
    if (c == null) {
      return; // the party left meanwhile
    }
    if (f.type() == WorkerFrames.DOWN) {
      c.deliver(f.payload());
    } else if (f.type() == WorkerFrames.DROP) {
      // Acknowledged first, so the hub receives Disconnected as for any party, and before
      // anything this party's end lets the parent do next.
      disconnected(c);
      c.done();
    }
  }

  /** The hub function's reply or the worker's death, on the worker's reader thread. */
  private void replied(WorkerFrames.Frame f, Throwable crash) {
    if (crash != null) {
      end(crash);
      return;
    }
    try {
      @SuppressWarnings("unchecked")
      R value = (R) process.decodeReply(f, allowed);
      if (end(null)) {
        result.tryResolve(value);
      }
    } catch (Throwable failure) {
      end(failure);
    }
    // Nothing more to do for this worker: let it exit now rather than when the switch finishes.
    process.closeInput();
  }

  /**
   * Ends the hub once: done when {@code cause} is null, else broken (and the promise failed).
   * Returns whether this call ended it.
   */
  private boolean end(Throwable cause) {
    List<HubConnection<I, O>> conns;
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      endCause = cause;
      conns = List.copyOf(open.values());
      open.clear();
    }
    if (cause != null) {
      result.tryFail(cause);
    }
    for (HubConnection<I, O> c : conns) {
      if (cause == null) {
        c.done();
      } else {
        c.broken(cause);
      }
    }
    return true;
  }

  /** Runs when the owning switch finishes, protected from cancellation. */
  private void release() {
    CompletableFuture<WorkerFrames.Frame> reply = call.reply();
    if (!reply.isDone()) {
      end(new Cancelled("hub " + name() + " cancelled: its switch finished"));
      process.cancelRemote(call.id(), reply, grace);
    }
    process.stop(grace);
  }

  private void sendQuietly(byte type, long id) {
    try {
      process.send(type, id, WorkerFrames.NO_PAYLOAD);
    } catch (IOException e) {
      // The worker is gone; its death reaches the promise and the connections.
    }
  }

  Codec codec() {
    return codec;
  }

  Predicate<Class<?>> allowed() {
    return allowed;
  }

  WorkerProcess process() {
    return process;
  }

  synchronized Throwable endCause() {
    return endCause;
  }

  @Override
  public synchronized String toString() {
    return "HubWorker["
        + name()
        + ", "
        + (ended ? "ended" : open.size() + " parties")
        + (closedForParties ? ", closed" : "")
        + "]";
  }
}
