package dev.eio.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors say which argument, which component and why: for a missing or non-directory step of
 * the walk, for a link that vanishes while the walk reads it, and for names no file can have.
 */
@Timeout(60)
class DirErrorTest {
  @TempDir Path tmp;
  Path box;
  Dir dir;

  @BeforeEach
  void setUp() throws Exception {
    box = Files.createDirectory(tmp.resolve("box"));
    Files.createDirectories(box.resolve("sub/deep"));
    Files.writeString(box.resolve("sub/file"), "x");
    Files.createSymbolicLink(box.resolve("dangling"), Path.of("gone/away"));
    dir = Dir.of(box);
  }

  @Test
  void aFailedStepNamesTheComponentAndTheReason() {
    var nf = assertThrows(FsException.NotFound.class, () -> dir.load("sub/nope/x"));
    assertEquals("sub/nope/x", nf.path());
    assertTrue(
        nf.getMessage().contains("at \"sub/nope\": no such file or directory"), nf.getMessage());
    var nd = assertThrows(FsException.NotADirectory.class, () -> dir.readDir("sub/file/x"));
    assertTrue(nd.getMessage().contains("at \"sub/file\": not a directory"), nd.getMessage());
    // A dangling link in the middle: the step that failed is the link's target, named as walked.
    var dl = assertThrows(FsException.NotFound.class, () -> dir.stat("dangling/x"));
    assertTrue(dl.getMessage().contains("at \"gone\": no such file or directory"), dl.getMessage());
    // The last name missing: the reason is given too.
    var last = assertThrows(FsException.NotFound.class, () -> dir.load("sub/missing"));
    assertTrue(last.getMessage().contains("(no such file or directory)"), last.getMessage());
    var loop = assertThrows(FsException.class, () -> dir.symlink("sub/a/b", "x"));
    assertTrue(loop.getMessage().contains("at \"sub/a\""), loop.getMessage());
  }

  @Test
  void aLoneSurrogateIsAnFsExceptionNamingTheArgument() {
    var e = assertThrows(FsException.class, () -> dir.load("a\uD800b"));
    assertEquals("a\uD800b", e.path());
    assertTrue(e.getMessage().contains("argument 'path'"), e.getMessage());
    assertTrue(e.getMessage().contains("lone surrogate U+D800 at index 1"), e.getMessage());
    var to = assertThrows(FsException.class, () -> dir.rename("sub/file", "x\uDC00"));
    assertTrue(to.getMessage().contains("argument 'to'"), to.getMessage());
    var target = assertThrows(FsException.class, () -> dir.symlink("l", "\uD800"));
    assertTrue(target.getMessage().contains("argument 'target'"), target.getMessage());
    // Unconfined directories check names the same way.
    var fs = assertThrows(FsException.class, () -> Dir.fileSystem().stat("/tmp/\uDBFF"));
    assertTrue(fs.getMessage().contains("lone surrogate U+DBFF"), fs.getMessage());
    // A proper pair is a fine name, where file names are UTF-8 (not in the C locale).
    if (dev.eio.internal.fs.Beneath.nameCharset().newEncoder().canEncode("\uD83D\uDE00")) {
      dir.save("emoji-\uD83D\uDE00", "x", Create.EXCLUSIVE);
      assertEquals("x", dir.loadString("emoji-\uD83D\uDE00"));
    }
  }

  /**
   * While a link in the middle of the path keeps being removed and re-created, every failure
   * says where and why: a bare "not found: path" is a failure of this test.
   */
  @Test
  void aLinkVanishingMidWalkIsExplained() throws Exception {
    Path link = box.resolve("flip");
    Files.createSymbolicLink(link, Path.of("sub"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> flipFailure = new AtomicReference<>();
    Thread flipper =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    while (!stop.get()) {
                      Files.delete(link);
                      Files.createSymbolicLink(link, Path.of("sub"));
                    }
                  } catch (Throwable t) {
                    flipFailure.set(t);
                  }
                });
    List<String> bare = new ArrayList<>();
    int failures = 0;
    try {
      for (int i = 0; i < Integer.getInteger("eio.stress.iterations", 150) * 20; i++) {
        try {
          assertEquals("x", dir.loadString("flip/file"));
        } catch (FsException e) {
          failures++;
          if (!e.getMessage().matches("(?s).*\\(at \"flip(/file)?\": .+\\).*")
              && !e.getMessage().matches("(?s).*\\((no such file or directory)\\).*")) {
            bare.add(e.getMessage());
          }
        }
      }
    } finally {
      stop.set(true);
      flipper.join();
    }
    assertNull(flipFailure.get());
    assertTrue(failures > 0, "the link never vanished under the walk");
    assertEquals(List.of(), bare.subList(0, Math.min(5, bare.size())));
  }
}
