package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eio's tests/fiber.md, case by case, from "Daemon fibers" to the end: daemons, fiber-local
 * storage ({@link Fiber.Key}) and {@code fork_seq}. Fibers run in parallel here, so a daemon
 * that Eio's scheduler interleaves with the main fiber is bounded by the main fiber's state
 * instead of by a count of yields. We have no {@code fork_seq}: a generator is a fiber sending to
 * a {@link Channel#rendezvous()} and closing (or failing) it at its end, and the cases check what
 * that pattern guarantees; the differences are said at each case and in the README.
 */
@Timeout(30)
class EioFiberDaemonKeySeqConformanceTest {
  private final List<String> trace = new CopyOnWriteArrayList<>();

  // ------------------------------------------------------------------------- daemons

  /** fiber.md, "A daemon fiber runs until the non-daemon threads finish". */
  @Test
  void aDaemonRunsUntilTheOtherFibersFinish() {
    Switch.run(
        sw -> {
          sw.forkDaemon(
              () -> {
                // Eio's 10 yields outlast its main fiber; here a bound far above what the main
                // fiber needs plays that part.
                for (int i = 0; i < 100_000_000; i++) {
                  if (i == 0) {
                    trace.add("Daemon running");
                  }
                  Fiber.yield();
                }
                throw new IllegalStateException("Test failed");
              });
          trace.add("Main running 1");
          Waits.until(() -> trace.contains("Daemon running"));
          trace.add("Main running 2");
        });
    assertTrue(trace.contains("Main running 2"));
  }

  /**
   * fiber.md, "A more complex example with multiple daemon and non-daemon fibers": the switch
   * ends when the workers and the main fiber are done; a daemon that returns ({@code
   * `Stop_daemon}) just ends; a daemon cancelled then cannot start new fibers in the switch.
   */
  @Test
  void daemonsAreCancelledOnceTheWorkersFinishAndCannotForkThen() {
    AtomicBoolean started = new AtomicBoolean();
    Switch.run(
        sw -> {
          sw.fork(
              () -> {
                trace.add("Worker 1 starting");
                Fiber.yield();
                trace.add("Worker 1 finished");
              });
          sw.fork(
              () -> {
                trace.add("Worker 2 starting");
                trace.add("Worker 2 finished");
              });
          sw.forkDaemon(
              () -> {
                try {
                  trace.add("Daemon 1 running");
                  Fiber.awaitCancel();
                } catch (Cancelled ex) {
                  trace.add("Daemon cancelled; trying to spawn more fibers");
                  forkRefusedOrSkipped(() -> sw.forkDaemon(() -> started.set(true)));
                  forkRefusedOrSkipped(() -> sw.fork(() -> started.set(true)));
                  throw ex;
                }
              });
          sw.forkDaemon(
              () -> {
                trace.add("Daemon 2 running");
                trace.add("Daemon 2 finished");
              });
          trace.add("Main running");
          Waits.until(() -> trace.contains("Daemon 2 finished") && trace.contains("Daemon 1 running"));
          trace.add("Main finished");
        });
    assertFalse(started.get(), "a fiber forked by a cancelled daemon ran");
    int mainFinished = trace.indexOf("Main finished");
    int cancelled = trace.indexOf("Daemon cancelled; trying to spawn more fibers");
    assertTrue(cancelled > mainFinished, trace.toString());
    assertTrue(cancelled > trace.indexOf("Worker 1 finished"), trace.toString());
    assertTrue(cancelled > trace.indexOf("Worker 2 finished"), trace.toString());
  }

  /** A fork into a cancelled switch either throws {@link Cancelled} or never runs its task. */
  private static void forkRefusedOrSkipped(Task fork) throws Exception {
    try {
      fork.run();
    } catch (Cancelled expected) {
      // refused
    }
  }

  /**
   * fiber.md, "Failing daemon fibers still get their errors reported", even when it fails after
   * the main fiber returned (and the daemon was cancelled).
   */
  @Test
  void aFailingDaemonsErrorIsReported() {
    AtomicBoolean failing = new AtomicBoolean();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      sw.forkDaemon(
                          () -> {
                            Fiber.yield();
                            failing.set(true);
                            throw new IllegalStateException("Simulated error");
                          });
                      Waits.until(failing::get);
                    }));
    assertEquals("Simulated error", e.getMessage());
  }

  // ------------------------------------------------------------------------- fiber keys

  private final Fiber.Key<Integer> key = new Fiber.Key<>("key");

  private void traceKey() {
    trace.add("Key => " + Fiber.get(key).map(String::valueOf).orElse("<unset>"));
  }

  /** fiber.md, "Keys default to being unset". */
  @Test
  void keysStartUnset() {
    Eio.run(env -> traceKey());
    assertEquals(List.of("Key => <unset>"), trace);
  }

  /** fiber.md, "with_binding can be used to define a key". */
  @Test
  void withBindingDefinesAKey() {
    Eio.run(env -> Fiber.withBinding(key, 123, this::traceKey));
    assertEquals(List.of("Key => 123"), trace);
  }

  /** fiber.md, "with_binding will shadow variables defined in outer scopes". */
  @Test
  void withBindingShadowsOuterBindings() {
    Eio.run(
        env ->
            Fiber.withBinding(
                key,
                123,
                () -> {
                  traceKey();
                  Fiber.withBinding(key, 456, this::traceKey);
                  traceKey();
                }));
    assertEquals(List.of("Key => 123", "Key => 456", "Key => 123"), trace);
  }

  /** fiber.md, "Values are propagated when forking". */
  @Test
  void bindingsAreInheritedWhenForking() {
    Eio.run(env -> Fiber.withBinding(key, 123, () -> Switch.run(sw -> sw.fork(this::traceKey))));
    assertEquals(List.of("Key => 123"), trace);
  }

  /** fiber.md, "Bindings can also be removed": Eio's {@code without_binding} is a null binding. */
  @Test
  void aNullBindingRemovesTheKey() {
    Eio.run(
        env ->
            Fiber.withBinding(
                key,
                123,
                () -> {
                  traceKey();
                  Fiber.withBinding(key, null, this::traceKey);
                  traceKey();
                }));
    assertEquals(List.of("Key => 123", "Key => <unset>", "Key => 123"), trace);
  }

  /** fiber.md, "Values are inherited from the currently running fiber, rather than the switch". */
  @Test
  void bindingsComeFromTheForkingFiberNotTheSwitch() {
    Eio.run(env -> Switch.run(sw -> Fiber.withBinding(key, 123, () -> sw.fork(this::traceKey))));
    assertEquals(List.of("Key => 123"), trace);
  }

  // ------------------------------------------------------------------------- fork_seq

  /** A generator: {@code body} sends items, then the channel is closed, or failed with its failure. */
  private static <T> Channel<T> generate(Switch sw, CheckedConsumer<Channel<T>> body) {
    Channel<T> ch = Channel.rendezvous();
    sw.forkDaemon(
        () -> {
          try {
            body.accept(ch);
            ch.close();
          } catch (Throwable t) {
            ch.fail(t);
            if (!(t instanceof Cancelled)) {
              throw t;
            }
          }
        });
    return ch;
  }

  /**
   * fiber.md, fork_seq, "The simple case where everything works". A rendezvous channel lets the
   * generator run one item ahead at most: Eio's generator waits for each request, ours starts at
   * once and waits in {@code send} until the item is taken.
   */
  @Test
  void aGeneratorFiberFeedsARendezvousChannel() {
    List<Integer> rest = new ArrayList<>();
    Switch.run(
        sw -> {
          Channel<Integer> seq =
              generate(
                  sw,
                  ch -> {
                    trace.add("Generator fiber starting");
                    for (int i = 1; i <= 3; i++) {
                      trace.add("Yielding " + i);
                      ch.send(i);
                    }
                  });
          assertEquals(1, seq.receive());
          assertFalse(trace.contains("Yielding 3"), "the generator ran more than one item ahead");
          seq.iterator().forEachRemaining(rest::add);
        });
    assertEquals(List.of(2, 3), rest);
  }

  /**
   * fiber.md, fork_seq, "The generator raises": the consumer gets the failure, as the cause of
   * {@link ChannelClosedException}; the generator's switch fails with it too.
   */
  @Test
  void theConsumerGetsTheGeneratorsFailure() {
    IllegalStateException boom = new IllegalStateException("Simulated error");
    AtomicBoolean consumerGotIt = new AtomicBoolean();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Switch.run(
                    sw -> {
                      Channel<Integer> seq =
                          generate(
                              sw,
                              ch -> {
                                throw boom;
                              });
                      Cancel.protect(
                          () -> {
                            ChannelClosedException got =
                                assertThrows(ChannelClosedException.class, seq::receive);
                            consumerGotIt.set(got.getCause() == boom);
                          });
                    }));
    assertSame(boom, e);
    assertTrue(consumerGotIt.get());
  }

  /**
   * fiber.md, fork_seq, "The sequence is used after the switch is finished" (before and after the
   * generator started): the generator was cancelled with its switch, so a receive fails with the
   * cancellation as cause (Eio: "Coroutine has already failed: Cancelled").
   */
  @Test
  void aGeneratorOutlivedByItsChannelFailsItWithTheCancellation() {
    Channel<Integer> seq =
        Switch.call(
            sw -> {
              Channel<Integer> ch =
                  generate(
                      sw,
                      c -> {
                        try {
                          c.send(1);
                          c.send(2);
                        } catch (Cancelled ex) {
                          trace.add("Generator caught: Cancelled");
                          throw ex;
                        }
                      });
              assertEquals(1, ch.receive());
              return ch;
            });
    ChannelClosedException e = assertThrows(ChannelClosedException.class, seq::receive);
    assertInstanceOf(Cancelled.class, e.getCause());
    assertEquals(List.of("Generator caught: Cancelled"), trace);
  }

  /**
   * fiber.md, fork_seq, "Using a sequence after it has finished normally": a closed channel ends
   * the iteration, and a further receive throws (Eio: "Coroutine has already finished!").
   */
  @Test
  void receivingAfterTheGeneratorFinishedThrows() {
    Switch.run(
        sw -> {
          Channel<Integer> seq =
              generate(
                  sw,
                  ch -> {
                    ch.send(1);
                    trace.add("Generator done");
                  });
          Iterator<Integer> next = seq.iterator();
          assertEquals(1, next.next());
          assertFalse(next.hasNext());
          assertEquals(List.of("Generator done"), trace);
          ChannelClosedException e = assertThrows(ChannelClosedException.class, seq::receive);
          assertNull(e.getCause());
        });
  }

  /**
   * fiber.md, fork_seq, "Trying to resume twice" and "Generator yields twice for a single
   * request": Eio refuses both; a channel has any number of senders and receivers, so two
   * consumers each get an item and two sends deliver two items.
   */
  @Test
  void aChannelTakesSeveralConsumersAndSenders() {
    Switch.run(
        sw -> {
          Channel<String> seq = generate(sw, ch -> Fiber.both(() -> ch.send("a"), () -> ch.send("b")));
          Fiber.Pair<String, String> got = Fiber.pair(seq::receive, seq::receive);
          assertEquals(List.of("a", "b"), List.of(got.first(), got.second()).stream().sorted().toList());
        });
  }

  /** fiber.md, fork_seq, "Yielding from a different fiber". */
  @Test
  void anotherFiberMaySendForTheGenerator() {
    List<String> got = new ArrayList<>();
    Switch.run(
        sw -> {
          Channel<String> seq =
              generate(
                  sw,
                  ch -> {
                    sw.forkPromise(
                            () -> {
                              Fiber.yield();
                              ch.send("Second fiber");
                              return null;
                            })
                        .await();
                    ch.send("Original fiber");
                  });
          seq.iterator().forEachRemaining(got::add);
        });
    assertEquals(List.of("Second fiber", "Original fiber"), got);
  }

  /**
   * fiber.md, fork_seq, "The consumer cancels" and "The generator is cancelled while queued to
   * be resumed". A consumer that loses a race takes no item and does not cancel the generator
   * (it belongs to the switch, not the consumer); failing the switch cancels it.
   */
  @Test
  void theGeneratorIsCancelledByItsSwitchNotByTheConsumer() {
    RuntimeException exit = new RuntimeException("Exit");
    Promise<Void> go = Promise.create(); // never resolved: Eio's generator yields before sending
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                Switch.run(
                    sw -> {
                      Channel<Integer> seq =
                          generate(
                              sw,
                              c -> {
                                trace.add("Working...");
                                try {
                                  go.await();
                                  c.send(1);
                                } catch (Cancelled ex) {
                                  trace.add("Generator caught: Cancelled");
                                  throw ex;
                                }
                              });
                      assertNull(Fiber.first(seq::receive, () -> null));
                      Waits.until(() -> trace.contains("Working..."));
                      assertFalse(trace.contains("Generator caught: Cancelled"));
                      trace.add("Cancel generator");
                      sw.fail(exit);
                    }));
    assertSame(exit, e);
    assertEquals(List.of("Working...", "Cancel generator", "Generator caught: Cancelled"), trace);
  }
}
