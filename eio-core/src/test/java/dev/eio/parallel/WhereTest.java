package dev.eio.parallel;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.workers.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same {@link Parallel} calls on domains and on worker processes, chosen by a {@link Where}. */
@Timeout(60)
class WhereTest {
  @TempDir Path tmp;

  record Word(String text, int length) implements java.io.Serializable {}

  /** The test body shared by both wheres: the same calls, the same expected results. */
  private static Where where(String kind, dev.eio.Env env, Switch sw) {
    return switch (kind) {
      case "domains" -> Where.domains(DomainManager.create(sw, 2));
      case "workers" -> Where.workers(Workers.of(env).pool(sw, 2));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"domains", "workers"})
  void mapForEachAndFoldGiveTheSameResultsWhereverTheyRun(String kind) throws IOException {
    List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();
    List<String> words = List.of("one", "three", "eleven", "a", "fourteen");
    String dir = tmp.toString();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Where where = where(kind, env, sw);
                  assertEquals(2, where.parallelism());

                  assertEquals(
                      numbers.stream().map(x -> (long) x * x).toList(),
                      Parallel.map(where, numbers, x -> (long) x * x));
                  assertEquals(
                      numbers.stream().map(x -> x + 1).toList(),
                      Parallel.map(
                          where,
                          numbers,
                          ParallelOptions.defaults().withChunkSize(7),
                          x -> x + 1));
                  // Values of the caller's own classes come back (the function's nest is allowed).
                  assertEquals(
                      List.of(
                          new Word("one", 3),
                          new Word("three", 5),
                          new Word("eleven", 6),
                          new Word("a", 1),
                          new Word("fourteen", 8)),
                      Parallel.map(where, words, w -> new Word(w, w.length())));
                  assertEquals(
                      500500L,
                      Parallel.fold(where, numbers, 0L, (acc, x) -> acc + x, Long::sum));
                  assertEquals(
                      "one,three,eleven,a,fourteen,",
                      Parallel.fold(where, words, "", (acc, w) -> acc + w + ",", String::concat),
                      "fold keeps the input order");
                  Parallel.forEach(
                      where,
                      words,
                      w -> {
                        try {
                          Files.writeString(Path.of(dir, w), Long.toString(ProcessHandle.current().pid()));
                        } catch (IOException e) {
                          throw new UncheckedIOException(e);
                        }
                      });
                }));
    List<String> written;
    try (Stream<Path> files = Files.list(tmp)) {
      written = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(words.stream().sorted().toList(), written);
    long self = ProcessHandle.current().pid();
    for (String w : words) {
      long pid = Long.parseLong(Files.readString(tmp.resolve(w)));
      assertEquals(kind.equals("domains"), pid == self, w + " was written by pid " + pid);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"domains", "workers"})
  void aFailingItemIsNamedByItsIndexWhereverItRuns(String kind) {
    List<Integer> numbers = IntStream.range(0, 100).boxed().toList();
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Where where = where(kind, env, sw);
                  ItemFailedException e =
                      assertThrows(
                          ItemFailedException.class,
                          () ->
                              Parallel.map(
                                  where,
                                  numbers,
                                  x -> {
                                    if (x == 37) {
                                      throw new IllegalArgumentException("no 37");
                                    }
                                    return x;
                                  }));
                  assertEquals(37, e.index());
                  assertInstanceOf(IllegalArgumentException.class, e.getCause());
                  assertEquals("no 37", e.getCause().getMessage());
                  if (kind.equals("workers")) {
                    IllegalArgumentException refused =
                        assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                Parallel.map(
                                    where,
                                    numbers,
                                    ParallelOptions.defaults().withInit(w -> {}),
                                    x -> x));
                    assertTrue(refused.getMessage().startsWith("options: init"), refused.getMessage());
                    // The pool still serves after the failure.
                    assertEquals(List.of(0, 2, 4), Parallel.map(where, List.of(0, 1, 2), x -> 2 * x));
                  }
                }));
  }

  @ParameterizedTest
  @ValueSource(strings = {"domains", "workers"})
  void pipelineAndComputeGiveTheSameResultsWhereverTheyRun(String kind) {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  Where where = where(kind, env, sw);
                  List<Long> got = new ArrayList<>();
                  Parallel.pipeline(
                      where,
                      IntStream.range(0, 200).boxed().iterator(),
                      x -> (long) x * 3,
                      got::add,
                      PipelineOptions.defaults().withChunkSize(16));
                  assertEquals(IntStream.range(0, 200).mapToObj(x -> (long) x * 3).toList(), got);
                  // Collatz-like splitting: each task n > 1 makes tasks n / 2 and n - n / 2; the
                  // leaves (n == 1) count the starting total exactly once each.
                  long[] leaves = {0};
                  Parallel.compute(
                      where,
                      (Integer n) -> n,
                      (Integer task, Integer r) -> {
                        if (r == 1) {
                          leaves[0]++;
                          return List.of();
                        }
                        return List.of(r / 2, r - r / 2);
                      },
                      List.of(40, 24),
                      RetryPolicy.failFast());
                  assertEquals(64, leaves[0]);
                  ItemFailedException e =
                      assertThrows(
                          ItemFailedException.class,
                          () ->
                              Parallel.compute(
                                  where,
                                  (Integer n) -> {
                                    if (n == 3) {
                                      throw new IllegalStateException("three");
                                    }
                                    return n;
                                  },
                                  (Integer task, Integer r) -> List.<Integer>of(),
                                  List.of(1, 2, 3),
                                  RetryPolicy.failFast()));
                  assertEquals(2, e.index());
                  assertEquals("three", e.getCause().getMessage());
                }));
  }
}
