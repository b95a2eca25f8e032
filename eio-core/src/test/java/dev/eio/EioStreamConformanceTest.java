package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/stream.md, case by case (all thirteen cases), on {@link Channel} (Eio's {@code
 * Stream}). Eio's mock scheduler runs a fiber until it blocks; fibers run in parallel here, so
 * where a case relies on a fiber being blocked (in {@code add} or {@code take}) before the next
 * step, the test waits until that fiber is parked.
 */
@Timeout(30)
class EioStreamConformanceTest {
  /** Eio's {@code exception Cancel}. */
  private static final class CancelException extends RuntimeException {
    CancelException() {
      super("Cancel");
    }
  }

  private final List<String> trace = new CopyOnWriteArrayList<>();

  private void add(Channel<Integer> t, int v) {
    trace.add("Adding " + v);
    t.send(v);
    trace.add("Added " + v);
  }

  private int take(Channel<Integer> t) {
    trace.add("Reading");
    int v = t.receive();
    trace.add("Got " + v);
    return v;
  }

  private static void here(AtomicReference<Thread> me) {
    me.set(Thread.currentThread());
  }

  /**
   * Eio's {@code Fiber.both (fun () -> blocking) (fun () -> raise Cancel)}, with the raise once
   * {@code blocking} is parked; returns Eio's {@code Cancel} that both threw.
   */
  private static CancelException cancelWhenBlocked(Task before, Task blocking) {
    AtomicReference<Thread> blocked = new AtomicReference<>();
    return assertThrows(
        CancelException.class,
        () ->
            Fiber.both(
                () -> {
                  before.run();
                  here(blocked);
                  blocking.run();
                },
                () -> {
                  Waits.parked(blocked);
                  throw new CancelException();
                }));
  }

  /** stream.md, "Simple non-blocking case". */
  @Test
  void addAndTakeWithoutBlocking() {
    Channel<Integer> t = Channel.create(2);
    add(t, 1);
    add(t, 2);
    assertEquals(1, take(t));
    assertEquals(2, take(t));
    assertEquals(
        List.of("Adding 1", "Added 1", "Adding 2", "Added 2", "Reading", "Got 1", "Reading", "Got 2"),
        trace);
  }

  /** stream.md, "Readers have to wait when the stream is empty". */
  @Test
  void aReaderWaitsWhileEmpty() {
    Channel<Integer> t = Channel.create(2);
    add(t, 1);
    AtomicReference<Thread> reader = new AtomicReference<>();
    Fiber.both(
        () -> {
          assertEquals(1, take(t));
          here(reader);
          assertEquals(2, take(t));
        },
        () -> {
          Waits.parked(reader);
          add(t, 2);
        });
    assertEquals(List.of("Adding 1", "Added 1", "Reading", "Got 1", "Reading"), trace.subList(0, 5));
    assertTrue(trace.indexOf("Adding 2") < trace.indexOf("Got 2"));
  }

  /** stream.md, "Writers have to wait when the stream is full". */
  @Test
  void aWriterWaitsWhileFull() {
    Channel<Integer> t = Channel.create(3);
    add(t, 1);
    AtomicReference<Thread> writer = new AtomicReference<>();
    Fiber.both(
        () -> {
          add(t, 2);
          add(t, 3);
          here(writer);
          add(t, 4);
        },
        () -> {
          Waits.parked(writer);
          assertEquals(3, t.size());
          assertFalse(trace.contains("Added 4"));
          for (int i = 1; i <= 4; i++) {
            assertEquals(i, take(t));
          }
        });
    assertEquals(
        List.of("Adding 1", "Added 1", "Adding 2", "Added 2", "Adding 3", "Added 3", "Adding 4"),
        trace.subList(0, 7));
    assertEquals(0, t.size());
  }

  /** stream.md, "A zero-length queue is synchronous". */
  @Test
  void aZeroLengthQueueIsSynchronous() {
    Channel<Integer> t = Channel.create(0);
    AtomicReference<Thread> writer = new AtomicReference<>();
    Fiber.both(
        () -> {
          here(writer);
          add(t, 1);
          add(t, 2);
        },
        () -> {
          Waits.parked(writer);
          assertEquals(List.of("Adding 1"), trace);
          assertEquals(1, take(t));
          assertEquals(2, take(t));
        });
    assertTrue(trace.indexOf("Reading") < trace.indexOf("Added 1"));
    assertTrue(trace.indexOf("Adding 2") < trace.indexOf("Got 2"));
    assertEquals(0, t.size());
  }

  /** stream.md, "Cancel reading from a stream": the cancelled take takes nothing. */
  @Test
  void aCancelledTakeTakesNothing() {
    Channel<Integer> t = Channel.create(1);
    cancelWhenBlocked(() -> {}, () -> take(t));
    add(t, 2);
    assertEquals(2, take(t));
  }

  /** stream.md, "Cancel writing to a stream": the cancelled add adds nothing. */
  @Test
  void aCancelledAddAddsNothing() {
    Channel<Integer> t = Channel.create(1);
    cancelWhenBlocked(() -> add(t, 1), () -> add(t, 2));
    assertFalse(trace.contains("Added 2"));
    assertEquals(1, take(t));
    add(t, 3);
    assertEquals(3, take(t));
    assertEquals(Optional.empty(), t.tryReceive());
  }

  /** stream.md, "Cancel writing to a zero-length stream". */
  @Test
  void aCancelledAddToAZeroLengthStreamAddsNothing() {
    Channel<Integer> t = Channel.create(0);
    cancelWhenBlocked(() -> {}, () -> add(t, 1));
    Fiber.both(() -> add(t, 2), () -> assertEquals(2, take(t)));
    assertEquals(Optional.empty(), t.tryReceive());
  }

  /** stream.md, "Trying to use a stream with a cancelled context". */
  @Test
  void aCancelledContextCannotAddOrTakeAndLeavesTheStreamUsable() {
    Channel<Integer> t = Channel.create(0);
    CancelException reason = new CancelException();
    Cancel.sub(
        c -> {
          c.cancel(reason);
          Cancelled adding = assertThrows(Cancelled.class, () -> add(t, 1));
          assertSame(reason, adding.getCause());
          Cancelled taking = assertThrows(Cancelled.class, () -> take(t));
          assertSame(reason, taking.getCause());
          // The channel's lock was released correctly:
          Cancel.protect(() -> Fiber.both(() -> add(t, 1), () -> assertEquals(1, take(t))));
        });
    assertEquals(List.of("Adding 1", "Reading"), trace.subList(0, 2));
  }

  /** stream.md, "Readers queue up": they get the items in the order they started waiting. */
  @Test
  void readersQueueUp() {
    Channel<Integer> t = Channel.create(0);
    Switch.run(
        sw -> {
          for (String name : List.of("a", "b", "c")) {
            AtomicReference<Thread> reader = new AtomicReference<>();
            sw.fork(
                () -> {
                  here(reader);
                  int v = t.receive();
                  trace.add(name + " got " + v);
                });
            Waits.parked(reader);
          }
          for (int i = 1; i <= 3; i++) {
            t.send(i);
          }
        });
    assertEquals(List.of("a got 1", "b got 2", "c got 3"), trace.stream().sorted().toList());
  }

  /** stream.md, "Writers queue up": their items arrive in the order they started waiting. */
  @Test
  void writersQueueUp() {
    Channel<Integer> t = Channel.create(0);
    Switch.run(
        sw -> {
          for (int i = 1; i <= 3; i++) {
            int v = i;
            AtomicReference<Thread> writer = new AtomicReference<>();
            sw.fork(
                () -> {
                  here(writer);
                  add(t, v);
                });
            Waits.parked(writer);
          }
          for (int i = 1; i <= 3; i++) {
            assertEquals(i, take(t));
          }
        });
    assertEquals(List.of("Adding 1", "Adding 2", "Adding 3", "Reading"), trace.subList(0, 4));
  }

  /** stream.md, "Cancelling writing to a stream" (inside a switch, with an item buffered). */
  @Test
  void aCancelledAddInsideASwitchAddsNothing() {
    Channel<Integer> t = Channel.create(1);
    add(t, 0);
    Switch.run(
        sw -> {
          cancelWhenBlocked(() -> {}, () -> add(t, 1));
          trace.add("Cancelled");
          assertEquals(0, take(t));
          add(t, 2);
          assertEquals(2, take(t));
        });
    assertEquals(
        List.of(
            "Adding 0", "Added 0", "Adding 1", "Cancelled", "Reading", "Got 0", "Adding 2",
            "Added 2", "Reading", "Got 2"),
        trace);
  }

  /** stream.md, "Non-blocking take". */
  @Test
  void aNonBlockingTake() {
    Channel<Integer> t = Channel.create(1);
    assertEquals(Optional.empty(), t.tryReceive());
    add(t, 0);
    assertEquals(Optional.of(0), t.tryReceive());
  }

  /** stream.md, "Non-blocking take with zero-capacity stream": it takes from a waiting writer. */
  @Test
  void aNonBlockingTakeFromAZeroCapacityStreamMeetsAWaitingWriter() {
    Channel<Integer> t = Channel.create(0);
    assertEquals(Optional.empty(), t.tryReceive());
    AtomicReference<Thread> writer = new AtomicReference<>();
    Fiber.both(
        () -> {
          here(writer);
          add(t, 0);
        },
        () -> {
          Waits.parked(writer);
          assertEquals(Optional.of(0), t.tryReceive());
        });
    assertEquals(List.of("Adding 0", "Added 0"), trace);
    assertEquals(Optional.empty(), t.tryReceive());
  }
}
