package dev.eio.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random paths built from {@code ..}, {@code .}, absolute starts and links that point inside,
 * outside, or outside and back: each is either refused as an escape, or resolves (by our walk) to
 * a place inside the directory that is the very place the kernel reaches, and reads the same
 * bytes. Raise the count with {@code -Deio.stress.iterations=N}; a failure names the seed.
 */
@Timeout(30)
class DirConfinementStressTest {
  private static final int ITERATIONS = Integer.getInteger("eio.stress.iterations", 150) * 20;
  private static final String[] PARTS = {
    // No empty component: java.nio drops a trailing '/', so it could not be the kernel's oracle.
    "..", ".", "sub", "deep", "in-link", "in-abs", "up", "upup", "out-rel", "out-abs",
    "passing", "file", "box", "outside", "missing"
  };

  @TempDir Path tmp;

  @Test
  void nothingReachedThroughAConfinedDirectoryLiesOutsideIt() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("file"), "OUTSIDE");
    Path box = Files.createDirectory(tmp.resolve("box"));
    Path real = box.toRealPath();
    Files.createDirectories(box.resolve("sub/deep"));
    Files.writeString(box.resolve("file"), "top");
    Files.writeString(box.resolve("sub/file"), "sub");
    Files.writeString(box.resolve("sub/deep/file"), "deep");
    Files.createSymbolicLink(box.resolve("sub/in-link"), Path.of("deep"));
    Files.createSymbolicLink(box.resolve("sub/in-abs"), real.resolve("sub/deep"));
    Files.createSymbolicLink(box.resolve("sub/up"), Path.of(".."));
    Files.createSymbolicLink(box.resolve("sub/deep/upup"), Path.of("../.."));
    Files.createSymbolicLink(box.resolve("out-rel"), Path.of("../outside"));
    Files.createSymbolicLink(box.resolve("sub/out-abs"), outside);
    Files.createSymbolicLink(box.resolve("passing"), Path.of("out-rel/../box/sub"));
    Dir dir = Dir.of(box);

    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    int refused = 0;
    int read = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      StringBuilder sb = new StringBuilder(rnd.nextInt(10) == 0 ? "/" : "");
      int n = 1 + rnd.nextInt(6);
      for (int k = 0; k < n; k++) {
        sb.append(PARTS[rnd.nextInt(PARTS.length)]);
        if (k < n - 1) {
          sb.append('/');
        }
      }
      String p = sb.toString();
      Path ours;
      try {
        ours = dir.nativePath(p);
      } catch (FsException.EscapeAttempt e) {
        refused++;
        continue;
      } catch (FsException.NotFound | FsException.NotADirectory e) {
        // Refused for a missing or non-directory step: the kernel cannot get there either.
        assertFalse(
            Files.exists(real.resolve(p)), p + " exists but was reported " + e + " (seed " + seed + ")");
        continue;
      }
      assertTrue(
          ours.normalize().startsWith(real),
          "accepted " + p + " resolves to " + ours + ", outside " + real + " (seed " + seed + ")");
      // Where the kernel goes from the same start must be the same place.
      Path kernel = real.resolve(p);
      boolean ourExists = Files.exists(ours);
      assertEquals(
          Files.exists(kernel), ourExists, "existence of " + p + " differs (seed " + seed + ")");
      if (ourExists) {
        assertEquals(
            kernel.toRealPath(),
            ours.toRealPath(),
            "accepted " + p + " reaches another place than the kernel (seed " + seed + ")");
        if (Files.isRegularFile(ours)) {
          assertNotEquals("OUTSIDE", dir.loadString(p), "read outside through " + p);
          read++;
        }
      }
    }
    assertTrue(refused > 0 && read > 0, "refused " + refused + ", read " + read + " (seed " + seed + ")");
  }
}
