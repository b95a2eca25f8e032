package dev.eio.internal.workers;

import dev.eio.Channel;
import dev.eio.workers.Codec;
import dev.eio.workers.Hub;
import dev.eio.workers.HubEvent;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's side of a hub: the worker's frame reader {@linkplain #deliver delivers} connection
 * frames, which wait in an unbounded channel until the hub function receives them; sends become
 * frames on the worker's stdout.
 *
 * <p>Two views of who is connected: {@code open} is what the frames said (the reader thread's
 * view, used to end the stream once the parent closed the hub and the last party left), {@code
 * parties} is what the hub function has received (what it may send to).
 */
final class WorkerHub<I, O> implements Hub<I, O> {
  /** A frame waiting for the hub function; the message stays encoded until then. */
  private record Pending(byte type, long party, byte[] payload) {}

  private final Codec codec;
  private final DataOutputStream out;
  private final Channel<Pending> events = Channel.unbounded();
  private final Set<Long> open = new HashSet<>(); // the reader thread's only
  private boolean ending; // the reader thread's only
  private final Set<Long> parties = ConcurrentHashMap.newKeySet();

  WorkerHub(Codec codec, DataOutputStream out) {
    this.codec = codec;
    this.out = out;
  }

  /** Called by the worker's frame reader, in frame order. */
  void deliver(WorkerFrames.Frame f) {
    switch (f.type()) {
      case WorkerFrames.OPEN -> {
        if (open.add(f.id())) {
          events.trySend(new Pending(f.type(), f.id(), null));
        }
      }
      case WorkerFrames.UP -> {
        if (open.contains(f.id())) {
          events.trySend(new Pending(f.type(), f.id(), f.payload()));
        }
      }
      case WorkerFrames.CLOSE -> {
        if (open.remove(f.id())) {
          events.trySend(new Pending(f.type(), f.id(), null));
        }
      }
      case WorkerFrames.END -> ending = true;
      default -> throw new IllegalArgumentException("not a hub frame: " + f.type());
    }
    // Once the parent closed the hub, no frame opens a party again: the stream can end.
    if (ending && open.isEmpty()) {
      events.close();
    }
  }

  @Override
  public HubEvent<I> receive() {
    return event(events.receive());
  }

  @Override
  public Iterator<HubEvent<I>> iterator() {
    Iterator<Pending> it = events.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public HubEvent<I> next() {
        return event(it.next());
      }
    };
  }

  private HubEvent<I> event(Pending p) {
    return switch (p.type()) {
      case WorkerFrames.OPEN -> {
        parties.add(p.party());
        yield new HubEvent.Connected<>(p.party());
      }
      case WorkerFrames.CLOSE -> {
        parties.remove(p.party());
        yield new HubEvent.Disconnected<>(p.party());
      }
      default -> {
        // The parent that started this worker is the only writer of its stdin.
        @SuppressWarnings("unchecked")
        I value = (I) codec.decode(p.payload(), c -> true);
        yield new HubEvent.Message<>(p.party(), value);
      }
    };
  }

  @Override
  public boolean send(long party, O message) {
    byte[] bytes = WorkerMain.withinLimit(codec, codec.encode(message));
    if (!parties.contains(party)) {
      return false;
    }
    write(WorkerFrames.DOWN, party, bytes);
    return true;
  }

  @Override
  public int broadcast(O message) {
    byte[] bytes = WorkerMain.withinLimit(codec, codec.encode(message));
    List<Long> to = List.copyOf(parties);
    for (long party : to) {
      write(WorkerFrames.DOWN, party, bytes);
    }
    return to.size();
  }

  @Override
  public boolean disconnect(long party) {
    if (!parties.remove(party)) {
      return false;
    }
    write(WorkerFrames.DROP, party, WorkerFrames.NO_PAYLOAD);
    return true;
  }

  @Override
  public Set<Long> parties() {
    return Set.copyOf(parties);
  }

  private void write(byte type, long party, byte[] payload) {
    try {
      synchronized (out) {
        WorkerFrames.write(out, type, party, payload);
      }
    } catch (IOException e) {
      // stdout is gone: the parent is gone too.
      Runtime.getRuntime().halt(WorkerMain.PARENT_GONE);
    }
  }

  @Override
  public String toString() {
    return "Hub[" + parties.size() + " parties]";
  }
}
