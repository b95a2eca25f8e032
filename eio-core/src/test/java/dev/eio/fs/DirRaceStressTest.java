package dev.eio.fs;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Switch;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacker's test for confinement under races: while the operations run, a second thread
 * keeps swapping the box's subdirectory {@code sw} between a real directory and a symbolic link
 * to a directory outside, full of bait. Every operation of a confined {@link Dir} that takes a
 * path goes through {@code sw/...}; after each one the bait is checked, and any sign that the
 * operation reached outside (read the bait, wrote, created, deleted or moved something there,
 * or opened a {@code Dir} rooted there) counts as an escape of its kind. Raise the number of
 * raced operations per kind with {@code -Deio.stress.iterations=N} (N × 10 each; 10000 gives
 * 100,000 of each kind; the default, 40, keeps it
 * under twenty seconds on two busy cores).
 */
@Timeout(600)
class DirRaceStressTest {
  private static final int PER_KIND = Integer.getInteger("eio.stress.iterations", 40) * 10;
  private static final int BATCH = 250; // operations per swapper run; restored between runs
  private static final String OUTSIDE_TEXT = "OUTSIDE BAIT, must never be read";
  private static final String INSIDE_TEXT = "inside";

  /** {@code renameat2(..., RENAME_EXCHANGE)} from libc, or {@code null} where there is none. */
  private static final MethodHandle EXCHANGE = exchangeHandle();

  @TempDir Path tmp;

  private static MethodHandle exchangeHandle() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker.downcallHandle(
          linker.defaultLookup().findOrThrow("renameat2"),
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_INT));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Swaps the entries {@code a} and {@code b} atomically. */
  private static void exchange(Path a, Path b) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      int atFdCwd = -100;
      int renameExchange = 2;
      int r =
          (int)
              EXCHANGE.invokeExact(
                  atFdCwd,
                  arena.allocateFrom(a.toString()),
                  atFdCwd,
                  arena.allocateFrom(b.toString()),
                  renameExchange);
      if (r != 0) {
        throw new IOException("renameat2(RENAME_EXCHANGE) of " + a + " and " + b + " failed");
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private Path box;
  private Path outside;
  private Path sw; // box/sw: a real directory or a link to outside, as the swapper left it
  private Dir dir;

  private final Map<String, AtomicLong> escapes = new LinkedHashMap<>();
  private final Map<String, AtomicLong> done = new LinkedHashMap<>();

  /** One raced operation; returns whether it escaped. */
  private interface Op {
    boolean run() throws IOException;
  }

  @Test
  void noOperationEscapesWhileASubdirectoryIsSwappedForALinkOutside() throws Exception {
    outside = Files.createDirectory(tmp.resolve("outside")).toRealPath();
    box = Files.createDirectory(tmp.resolve("box")).toRealPath();
    sw = box.resolve("sw");
    Files.createDirectory(sw);
    Files.writeString(sw.resolve("f"), INSIDE_TEXT);
    Files.createDirectory(sw.resolve("sub"));
    Files.writeString(outside.resolve("f"), OUTSIDE_TEXT);
    Files.writeString(outside.resolve("outside-only"), "x");
    Files.createDirectory(outside.resolve("sub"));
    Files.writeString(outside.resolve("sub/outside-only"), "x");
    Files.createSymbolicLink(box.resolve(".lnk"), outside); // swapped in as box/sw
    dir = Dir.of(box);
    restoreBait();

    Map<String, Op> ops = new LinkedHashMap<>();
    ops.put("load", () -> dir.loadString("sw/f").equals(OUTSIDE_TEXT));
    ops.put("openIn", () -> readFirst("sw/f").equals(OUTSIDE_TEXT));
    ops.put("stat", () -> dir.stat("sw/f").size() == OUTSIDE_TEXT.length());
    ops.put("readDir", () -> dir.readDir("sw").contains("outside-only"));
    ops.put(
        "openDir",
        () -> {
          Dir d = dir.openDir("sw/sub");
          return d.nativePath(".").startsWith(outside) || d.readDir(".").contains("outside-only");
        });
    ops.put(
        "save",
        () -> {
          dir.save("sw/s", "x", Create.OR_TRUNCATE);
          return gone(outside.resolve("s"), false);
        });
    ops.put(
        "openOut",
        () -> {
          Switch.run(sw -> dir.openOut(sw, "sw/o", Create.OR_TRUNCATE).write(bytes("x")));
          return gone(outside.resolve("o"), false);
        });
    ops.put(
        "mkdir",
        () -> {
          dir.mkdir("sw/m");
          return gone(outside.resolve("m"), false);
        });
    ops.put(
        "mkdirs",
        () -> {
          dir.mkdirs("sw/n/n2");
          return gone(outside.resolve("n"), false);
        });
    ops.put(
        "symlink",
        () -> {
          dir.symlink("sw/l", "f");
          return gone(outside.resolve("l"), false);
        });
    ops.put(
        "unlink",
        () -> {
          dir.unlink("sw/u");
          return gone(outside.resolve("u"), true);
        });
    ops.put(
        "rmdir",
        () -> {
          dir.rmdir("sw/e");
          return gone(outside.resolve("e"), true);
        });
    ops.put(
        "rmtree",
        () -> {
          dir.rmtree("sw/t");
          return gone(outside.resolve("t/1"), true) | gone(outside.resolve("t/2"), true);
        });
    ops.put(
        "renameIn",
        () -> {
          dir.rename("sw/v", "got");
          return gone(outside.resolve("v"), true);
        });
    ops.put(
        "renameOut",
        () -> {
          Files.writeString(box.resolve("mine"), "x");
          dir.rename("mine", "sw/mine");
          return gone(outside.resolve("mine"), false);
        });

    AtomicLong swaps = new AtomicLong();
    long start = System.nanoTime();
    for (Map.Entry<String, Op> e : ops.entrySet()) {
      escapes.put(e.getKey(), new AtomicLong());
      done.put(e.getKey(), new AtomicLong());
    }
    for (int round = 0; round * BATCH < PER_KIND; round++) {
      for (Map.Entry<String, Op> e : ops.entrySet()) {
        raceBatch(e.getKey(), e.getValue(), Math.min(BATCH, PER_KIND - round * BATCH), swaps);
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    long total = escapes.values().stream().mapToLong(AtomicLong::get).sum();
    String report =
        "escapes per kind "
            + escapes
            + " of "
            + PER_KIND
            + " raced operations each, "
            + swaps.get()
            + " swaps, "
            + ms
            + " ms";
    report += EXCHANGE != null ? " (swapped by renameat2 exchange)" : " (swapped by four renames)";
    System.out.println("DirRaceStressTest: " + report);
    assertTrue(swaps.get() > 0, "the swapper never ran: " + report);
    assertEquals(0, total, report);
  }

  /** Runs {@code n} operations of one kind against a running swapper, then puts the bait back. */
  private void raceBatch(String kind, Op op, int n, AtomicLong swaps) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> swapFailure = new AtomicReference<>();
    Thread swapper =
        Thread.ofPlatform()
            .name("swapper")
            .start(
                () -> {
                  Path hold = box.resolve(".hold");
                  Path lnk = box.resolve(".lnk");
                  try {
                    while (!stop.get()) {
                      if (EXCHANGE != null) {
                        // sw: directory <-> link outside, each in one step (never missing).
                        exchange(sw, lnk);
                        Thread.yield(); // let the operations run on a busy machine
                        exchange(sw, lnk);
                        Thread.yield();
                        swaps.incrementAndGet();
                        continue;
                      }
                      // sw: directory -> missing -> link outside -> missing -> directory.
                      Files.move(sw, hold, StandardCopyOption.ATOMIC_MOVE);
                      place(lnk);
                      Thread.onSpinWait();
                      Files.move(sw, lnk, StandardCopyOption.ATOMIC_MOVE);
                      place(hold);
                      swaps.incrementAndGet();
                    }
                  } catch (Throwable t) {
                    swapFailure.set(t);
                  }
                });
    try {
      for (int i = 0; i < n; i++) {
        boolean escaped;
        try {
          escaped = op.run();
        } catch (FsException e) {
          // Refused or failed because the path changed under it: fine, but did it touch the bait?
          escaped = baitTouched(kind);
        }
        done.get(kind).incrementAndGet();
        if (escaped) {
          escapes.get(kind).incrementAndGet();
        }
        if (kind.equals("renameIn")) {
          Files.deleteIfExists(box.resolve("got"));
        }
      }
    } finally {
      stop.set(true);
      swapper.join();
    }
    if (swapFailure.get() != null) {
      throw new AssertionError("the swapper failed during " + kind, swapFailure.get());
    }
    assertTrue(Files.isDirectory(sw, LinkOption.NOFOLLOW_LINKS), "swapper left sw as a link");
    restoreBait();
  }

  /**
   * Moves {@code from} to {@code sw}. While {@code sw} is missing, {@code mkdirs("sw/...")} may
   * create it: that intruder (a plain directory, inside) is removed first.
   */
  private void place(Path from) throws IOException {
    for (int tries = 0; ; tries++) {
      try {
        Files.move(from, sw, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (IOException e) {
        if (tries > 1000) {
          throw e;
        }
        try {
          deleteTree(sw);
        } catch (IOException again) {
          // Still being filled by the operation that created it: try again.
        }
      }
    }
  }

  /** After a failed operation: whether any bait it could reach changed (then it escaped). */
  private boolean baitTouched(String kind) throws IOException {
    return switch (kind) {
      case "save" -> gone(outside.resolve("s"), false);
      case "openOut" -> gone(outside.resolve("o"), false);
      case "mkdir" -> gone(outside.resolve("m"), false);
      case "mkdirs" -> gone(outside.resolve("n"), false);
      case "symlink" -> gone(outside.resolve("l"), false);
      case "unlink" -> gone(outside.resolve("u"), true);
      case "rmdir" -> gone(outside.resolve("e"), true);
      case "rmtree" -> gone(outside.resolve("t/1"), true) | gone(outside.resolve("t/2"), true);
      case "renameIn" -> gone(outside.resolve("v"), true);
      case "renameOut" -> gone(outside.resolve("mine"), false);
      default -> false;
    };
  }

  /**
   * With {@code bait} true: whether the bait at {@code p} is gone (then it is put back). With
   * false: whether something appeared at {@code p} outside (then it is removed).
   */
  private boolean gone(Path p, boolean bait) throws IOException {
    boolean exists = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    if (bait && !exists) {
      restoreOutside();
      return true;
    }
    if (!bait && exists) {
      deleteTree(p);
      return true;
    }
    return false;
  }

  private void restoreBait() throws IOException {
    restoreOutside();
    // The inside counterparts, only while the swapper is stopped (sw is then the directory).
    Files.writeString(sw.resolve("u"), "inside");
    Files.writeString(sw.resolve("v"), "inside");
    if (!Files.isDirectory(sw.resolve("e"), LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(sw.resolve("e"));
    }
    if (!Files.isDirectory(sw.resolve("t"), LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(sw.resolve("t/x"));
      Files.writeString(sw.resolve("t/x/1"), "inside");
    }
  }

  /** Puts back the bait outside; safe while the swapper runs (nothing goes through sw). */
  private void restoreOutside() throws IOException {
    Files.writeString(outside.resolve("u"), "bait");
    Files.writeString(outside.resolve("v"), "bait");
    if (!Files.isDirectory(outside.resolve("e"))) {
      Files.createDirectory(outside.resolve("e"));
    }
    Files.createDirectories(outside.resolve("t"));
    Files.writeString(outside.resolve("t/1"), "bait");
    Files.writeString(outside.resolve("t/2"), "bait");
  }

  private String readFirst(String path) {
    return dir.withOpenIn(
        path,
        in -> {
          ByteBuffer b = ByteBuffer.allocate(64);
          in.read(b);
          return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        });
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }
}
