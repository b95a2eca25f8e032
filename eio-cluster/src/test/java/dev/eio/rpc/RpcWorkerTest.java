package dev.eio.rpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.workers.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/** Typed RPC on a worker JVM: one worker serves {@link Store} for the whole test. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class RpcWorkerTest {
  @TempDir Path dir;

  @Test
  void aWorkerServesTheContractWithCancellationDeadlinesAndRemoteExceptions() {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  RpcWorker<Store> w = Rpc.spawn(sw, Workers.of(env), Store.class, MemoryStore::new);
                  Store kv = w.client();
                  long pid = w.pids().get(0);
                  assertNotEquals(ProcessHandle.current().pid(), pid);

                  // Round trip, void, checked exception as its type, runtime exception with the remote stack.
                  kv.put("alpha", "1");
                  assertEquals("1", kv.get("alpha"));
                  assertEquals(1, kv.size());
                  assertThrows(Store.NotFound.class, () -> kv.get("missing"));
                  IllegalStateException boom = assertThrows(IllegalStateException.class, () -> kv.fail("boom"));
                  assertEquals("boom", boom.getMessage());
                  assertEquals(MemoryStore.class.getName(), boom.getStackTrace()[0].getClassName());
                  String notes = Arrays.toString(boom.getSuppressed());
                  assertTrue(notes.contains(String.valueOf(pid)), notes);
                  assertEquals(0, MemoryStore.CALLS.get(), "the calls ran in this JVM, not in the worker");

                  // Cancelling the caller stops the method in the worker before the call returns.
                  Path marker = dir.resolve("blocked");
                  IllegalStateException stop =
                      assertThrows(
                          IllegalStateException.class,
                          () ->
                              Switch.run(
                                  inner -> {
                                    inner.fork(() -> kv.block(marker.toString()));
                                    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));
                                    throw new IllegalStateException("stop now");
                                  }));
                  assertEquals("stop now", stop.getMessage());
                  assertEquals(1, kv.stops(), "the call returned before the worker's method stopped");

                  // A deadline does the same and throws Timeout; the same worker serves on.
                  Store slow = w.client(Duration.ofMillis(300));
                  assertThrows(Timeout.class, () -> slow.block(""));
                  assertEquals(2, kv.stops());
                  assertEquals("1", slow.get("alpha"));
                  assertEquals(pid, w.pids().get(0), "the worker was replaced: its method did not stop in time");
                }));
  }
}
