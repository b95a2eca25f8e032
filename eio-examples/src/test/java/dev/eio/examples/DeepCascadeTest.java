package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.examples.DeepCascade.Outcome;
import dev.eio.examples.DeepCascade.Way;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeepCascadeTest {

  @Test
  void everyCascadeReturnsItsDepthEveryWay() {
    List<Outcome> outcomes =
        Eio.call(
            env ->
                DeepCascade.run(
                    new int[] {1, 2, 10, 100},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertEquals(12, outcomes.size());
    for (Outcome o : outcomes) {
      assertEquals(o.depth(), o.result(), o.toString());
      // A new fiber or a new domain per level, plus the caller's; one manager runs inline.
      int threads = o.way() == Way.ONE_MANAGER ? 1 : o.depth() + 1;
      assertEquals(threads, o.threads(), o.toString());
    }
  }

  @Test
  void aCascadeOfNewDomainsLeavesNoDomainThreadBehind() throws InterruptedException {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Outcome o = Eio.call(env -> DeepCascade.cascade(Way.NEW_DOMAINS, 30, threads));
    assertEquals(30, o.result());
    List<Thread> domainThreads = threads.stream().filter(t -> t.getName().startsWith("eio-domain-")).toList();
    assertEquals(30, domainThreads.size(), "one domain thread per level");
    for (Thread t : domainThreads) {
      // The pool has terminated when its switch returns, but a worker may still be on its way
      // out of run(); an idle worker of a live pool would linger for its 30 s keep-alive.
      assertTrue(t.join(Duration.ofSeconds(10)), t + " outlived its level's switch");
    }
  }

  @Test
  void depthZeroReturnsAtOnceOnTheCallersThread() {
    for (Way way : Way.values()) {
      Outcome o = Eio.call(env -> DeepCascade.cascade(way, 0));
      assertEquals(new Outcome(way, 0, 0, 1), o);
    }
  }

  @Test
  void mainPrintsOneCheckedLinePerCascade() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      DeepCascade.main(new String[] {"3", "5"});
    } finally {
      System.setOut(old);
    }
    assertEquals(
        List.of(
            "fibers      depth   3: returned   3, on   4 threads",
            "fibers      depth   5: returned   5, on   6 threads",
            "new domains depth   3: returned   3, on   4 threads",
            "new domains depth   5: returned   5, on   6 threads",
            "one manager depth   3: returned   3, on   1 thread",
            "one manager depth   5: returned   5, on   1 thread"),
        bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aDepthOutOfRangeIsRefusedWithItsValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeepCascade.main(new String[] {"-1"}));
    assertEquals("depth must be between 0 and 1000, got -1", e.getMessage());
  }
}
