package dev.eio.rpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** The tests' {@link Store}: in memory, counting what ran, so a test can see the server's side. */
public final class MemoryStore implements Store {
  /** Calls that reached any method of an implementation in this JVM. */
  static final AtomicInteger CALLS = new AtomicInteger();

  private final Map<String, String> map = new ConcurrentHashMap<>();
  private final AtomicInteger stops = new AtomicInteger();
  volatile CountDownLatch blocked = new CountDownLatch(1);

  @Override
  public String get(String key) throws NotFound {
    CALLS.incrementAndGet();
    String v = map.get(key);
    if (v == null) {
      throw new NotFound(key);
    }
    return v;
  }

  @Override
  public void put(String key, String value) {
    CALLS.incrementAndGet();
    map.put(key, value);
  }

  @Override
  public int size() {
    CALLS.incrementAndGet();
    return map.size();
  }

  @Override
  public String fail(String message) {
    CALLS.incrementAndGet();
    throw new IllegalStateException(message);
  }

  @Override
  public String block(String marker) {
    CALLS.incrementAndGet();
    try {
      if (!marker.isEmpty()) {
        java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "blocked");
      }
      blocked.countDown();
      Thread.sleep(60_000);
      return marker;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } finally {
      // Slow clean-up: the caller must wait for it.
      long end = System.nanoTime() + 300_000_000L;
      while (System.nanoTime() < end) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException again) {
          // keep cleaning up
        }
      }
      stops.incrementAndGet();
    }
  }

  @Override
  public int stops() {
    return stops.get();
  }

  /** How many {@link #work} calls run now. */
  final AtomicInteger running = new AtomicInteger();

  @Override
  public int work(int millis) {
    CALLS.incrementAndGet();
    running.incrementAndGet();
    try {
      Thread.sleep(millis);
      return millis;
    } catch (InterruptedException e) {
      // Clean up for as long again, deaf to further interrupts: the caller must wait for it.
      long end = System.nanoTime() + millis * 1_000_000L;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      Thread.currentThread().interrupt();
      return -1;
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public Object echo(Object value) {
    CALLS.incrementAndGet();
    return value;
  }

  @Override
  public int length(byte[] data) {
    CALLS.incrementAndGet();
    return data.length;
  }

  /** Public, but not in the contract: a call naming it must be refused. */
  public void clear() {
    CALLS.incrementAndGet();
    map.clear();
  }
}
