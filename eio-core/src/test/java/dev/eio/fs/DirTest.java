package dev.eio.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.io.Flow;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DirTest {
  @TempDir Path tmp;
  Path outside;
  Path box;
  Dir dir;

  @BeforeEach
  void setUp() throws Exception {
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "secret");
    box = Files.createDirectory(tmp.resolve("box"));
    Files.createDirectory(box.resolve("sub"));
    Files.writeString(box.resolve("sub/inner.txt"), "inner");
    Files.createSymbolicLink(box.resolve("out-abs"), outside);
    Files.createSymbolicLink(box.resolve("out-rel"), Path.of("../outside"));
    Files.createSymbolicLink(box.resolve("secret-link"), outside.resolve("secret"));
    Files.createSymbolicLink(box.resolve("sub/up"), Path.of(".."));
    Files.createSymbolicLink(box.resolve("sub/upup"), Path.of("../.."));
    Files.createSymbolicLink(box.resolve("dangling-out"), outside.resolve("new-file"));
    Files.createSymbolicLink(box.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(box.resolve("in-link"), Path.of("sub/inner.txt"));
    Files.createSymbolicLink(box.resolve("in-abs"), box.toRealPath().resolve("sub"));
    Files.createSymbolicLink(box.resolve("passing"), Path.of("out-rel/../box/sub"));
    dir = Dir.of(box);
  }

  // ------------------------------------------------------------------ confinement

  @Test
  void everyEscapeAttemptIsRefusedWithAClearError() {
    List<String> attempts =
        List.of(
            "..",
            "../outside/secret",
            "sub/../../outside/secret",
            "sub/../..",
            "./../box/../outside",
            "/etc/passwd",
            "/",
            "out-abs/secret",
            "out-rel/secret",
            "secret-link",
            "sub/upup/outside/secret",
            "sub/up/../outside/secret",
            "passing/inner.txt");
    for (String p : attempts) {
      var e = assertThrows(FsException.EscapeAttempt.class, () -> dir.load(p), p);
      assertEquals(p, e.path());
      assertTrue(e.getMessage().contains("escapes its directory"), e.getMessage());
    }
    // Every kind of operation checks, not only reads.
    assertThrows(FsException.EscapeAttempt.class, () -> dir.save("../x", "x", Create.OR_TRUNCATE));
    assertThrows(
        FsException.EscapeAttempt.class, () -> dir.save("dangling-out", "x", Create.IF_MISSING));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.mkdir("out-abs/newdir"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.mkdirs("out-rel/a/b"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.readDir("out-rel"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.openDir("out-abs"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.unlink("out-abs/secret"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.rmtree("out-rel/"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.rename("sub/inner.txt", "../stolen"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.stat("secret-link"));
    assertThrows(FsException.EscapeAttempt.class, () -> dir.symlink("../new-link", "sub"));
    assertThrows(
        FsException.EscapeAttempt.class, () -> Switch.run(sw -> dir.openIn(sw, "out-abs/secret")));
    assertThrows(
        FsException.EscapeAttempt.class,
        () -> Switch.run(sw -> dir.openOut(sw, "dangling-out", Create.OR_TRUNCATE)));
    // Nothing outside was touched.
    assertFalse(Files.exists(outside.resolve("new-file")));
    assertFalse(Files.exists(outside.resolve("newdir")));
    assertFalse(Files.exists(tmp.resolve("x")));
    assertTrue(Files.exists(outside.resolve("secret")));
  }

  @Test
  void linksThatStayInsideAreFollowed() {
    assertEquals("inner", dir.loadString("in-link"));
    assertEquals("inner", dir.loadString("in-abs/inner.txt"));
    assertEquals("inner", dir.loadString("sub/up/sub/inner.txt"));
    assertEquals("inner", dir.loadString("sub/../sub/./inner.txt"));
    assertEquals(FileStat.Kind.SYMLINK, dir.stat("secret-link", false).kind());
    // Removing a link that points outside removes the link, not its target.
    dir.unlink("secret-link");
    assertTrue(Files.exists(outside.resolve("secret")));
  }

  @Test
  void aLinkLoopIsAnErrorNotAHang() {
    var e = assertThrows(FsException.class, () -> dir.load("loop"));
    assertTrue(e.getMessage().contains("too many symbolic links"), e.getMessage());
  }

  @Test
  void aSubdirectoryOpenedFromAConfinedDirIsConfinedToItself() {
    Dir sub = dir.openDir("sub");
    assertTrue(sub.isConfined());
    assertEquals("inner", sub.loadString("inner.txt"));
    assertThrows(FsException.EscapeAttempt.class, () -> sub.load("../in-link"));
    assertThrows(FsException.EscapeAttempt.class, () -> sub.load("up/sub/inner.txt"));
  }

  @Test
  void theWholeFileSystemAndTheWorkingDirectoryAreNotConfined() {
    Dir fs = Dir.fileSystem();
    assertFalse(fs.isConfined());
    assertEquals("secret", fs.loadString(outside.resolve("secret").toString()));
    assertEquals("inner", fs.openDir(box.toString()).loadString("sub/inner.txt"));
    Dir cwd = Dir.workingDirectory();
    assertFalse(cwd.isConfined());
    assertTrue(cwd.stat(".").kind() == FileStat.Kind.DIRECTORY);
    assertTrue(cwd.openDir(".").isConfined());
  }

  @Test
  void theEnvironmentHandsOutTheFileSystemAndTheWorkingDirectory() {
    Eio.run(
        env -> {
          assertEquals("secret", env.fs().loadString(outside.resolve("secret").toString()));
          assertEquals(
              Path.of("").toAbsolutePath().toRealPath(), env.cwd().nativePath(".").toRealPath());
        });
  }

  // ------------------------------------------------------------------ errors

  @Test
  void errorsAreDistinctKindsCarryingThePath() throws Exception {
    var nf = assertThrows(FsException.NotFound.class, () -> dir.load("nope/missing.txt"));
    assertEquals("nope/missing.txt", nf.path());
    assertTrue(nf.getMessage().contains("not found: nope/missing.txt"), nf.getMessage());
    var ae = assertThrows(FsException.AlreadyExists.class, () -> dir.mkdir("sub"));
    assertEquals("sub", ae.path());
    var nd = assertThrows(FsException.NotADirectory.class, () -> dir.readDir("sub/inner.txt"));
    assertEquals("sub/inner.txt", nd.path());
    var nd2 = assertThrows(FsException.NotADirectory.class, () -> dir.openDir("sub/inner.txt"));
    assertEquals("sub/inner.txt", nd2.path());
    var ne = assertThrows(FsException.NotEmpty.class, () -> dir.rmdir("sub"));
    assertEquals("sub", ne.path());
    assertThrows(FsException.NotFound.class, () -> Dir.of(tmp.resolve("none")));
    if (!"root".equals(System.getProperty("user.name"))) {
      Path locked = Files.createDirectory(box.resolve("locked"));
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
      var pd = assertThrows(FsException.PermissionDenied.class, () -> dir.readDir("locked"));
      assertEquals("locked", pd.path());
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
    // Every kind is an UncheckedIOException, caught with other I/O failures.
    assertInstanceOf(UncheckedIOException.class, nf);
  }

  @Test
  void permissionDeniedIsItsOwnKind() throws Exception {
    Files.writeString(box.resolve("ro.txt"), "x");
    Files.setPosixFilePermissions(box.resolve("ro.txt"), PosixFilePermissions.fromString("r--r--r--"));
    // root ignores permission bits, so check the mapping on the JDK's own exception too.
    var mapped =
        Dir.error(new java.nio.file.AccessDeniedException("/x/ro.txt"), "ro.txt");
    assertInstanceOf(FsException.PermissionDenied.class, mapped);
    assertEquals("ro.txt", mapped.path());
    var notDir =
        Dir.error(new java.nio.file.FileSystemException("/x/a", null, "Not a directory"), "a");
    assertInstanceOf(FsException.NotADirectory.class, notDir);
  }

  @Test
  void badNamesAndRemovingTheDirectoryItselfAreRejected() {
    assertThrows(NullPointerException.class, () -> dir.load(null));
    var nul = assertThrows(IllegalArgumentException.class, () -> dir.load("a\0b"));
    assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
    var self = assertThrows(IllegalArgumentException.class, () -> dir.rmtree("."));
    assertTrue(self.getMessage().contains("not the directory itself"), self.getMessage());
    assertThrows(IllegalArgumentException.class, () -> dir.rmtree("sub/.."));
  }

  // ------------------------------------------------------------------ whole files

  @Test
  void saveHonoursEachCreateMode() {
    var nf = assertThrows(FsException.NotFound.class, () -> dir.save("a.txt", "x", Create.NEVER));
    assertEquals("a.txt", nf.path());
    dir.save("a.txt", "hello world", Create.EXCLUSIVE);
    assertThrows(FsException.AlreadyExists.class, () -> dir.save("a.txt", "x", Create.EXCLUSIVE));
    dir.save("a.txt", "HELLO", Create.NEVER); // in place, no truncation
    assertEquals("HELLO world", dir.loadString("a.txt"));
    dir.save("a.txt", "J", Create.IF_MISSING);
    assertEquals("JELLO world", dir.loadString("a.txt"));
    dir.save("b.txt", "new", Create.IF_MISSING);
    assertEquals("new", dir.loadString("b.txt"));
    dir.save("a.txt", "short", Create.OR_TRUNCATE);
    assertEquals("short", dir.loadString("a.txt"));
    byte[] bin = {0, 1, (byte) 0xff};
    dir.save("bin", bin, Create.OR_TRUNCATE);
    assertArrayEquals(bin, dir.load("bin"));
  }

  @Test
  void withLinesReadsTheLinesLazilyAndClosesTheFile() {
    dir.save("lines.txt", "one\r\ntwo\nthree", Create.OR_TRUNCATE);
    List<String> seen = dir.withLines("lines.txt", lines -> {
      List<String> out = new ArrayList<>();
      lines.forEach(out::add);
      return out;
    });
    assertEquals(List.of("one", "two", "three"), seen);
  }

  // ------------------------------------------------------------------ open files

  @Test
  void openFilesAreClosedWhenTheirSwitchEnds() {
    dir.save("f.txt", "abc", Create.OR_TRUNCATE);
    AtomicReference<FileIn> in = new AtomicReference<>();
    AtomicReference<FileOut> out = new AtomicReference<>();
    Switch.run(
        sw -> {
          in.set(dir.openIn(sw, "f.txt"));
          out.set(dir.openOut(sw, "g.txt", Create.EXCLUSIVE));
          assertEquals(3, in.get().size());
          out.get().write("xyz".getBytes(UTF_8));
        });
    assertThrows(UncheckedIOException.class, () -> in.get().read(ByteBuffer.allocate(4)));
    assertThrows(UncheckedIOException.class, () -> out.get().write("more".getBytes(UTF_8)));
    assertEquals("xyz", dir.loadString("g.txt"));
  }

  @Test
  void closingEarlyTakesBackTheReleaseHook() {
    dir.save("f.txt", "abc", Create.OR_TRUNCATE);
    Switch.run(
        sw -> {
          FileIn in = dir.openIn(sw, "f.txt");
          in.close();
          in.close(); // harmless
          String dump = sw.toString();
          assertNotNull(dump);
          assertThrows(UncheckedIOException.class, () -> in.read(ByteBuffer.allocate(4)));
        });
  }

  @Test
  void openFilesAreFileChannelFlowsSoCopyCanUseTheKernel() {
    byte[] data = new byte[300_000];
    new java.util.Random(1).nextBytes(data);
    dir.save("src.bin", data, Create.OR_TRUNCATE);
    long n =
        Switch.call(
            sw -> {
              FileIn in = dir.openIn(sw, "src.bin");
              FileOut out = dir.openOut(sw, "dst.bin", Create.EXCLUSIVE);
              assertTrue(in.readableChannel().orElseThrow() instanceof java.nio.channels.FileChannel);
              assertTrue(out.writableChannel().orElseThrow() instanceof java.nio.channels.FileChannel);
              return Flow.copy(in, out);
            });
    assertEquals(data.length, n);
    assertArrayEquals(data, dir.load("dst.bin"));
  }

  @Test
  void withOpenInAndWithOpenOutCloseEvenOnFailure() {
    AtomicReference<FileOut> kept = new AtomicReference<>();
    IllegalStateException boom = new IllegalStateException("boom");
    var e =
        assertThrows(
            IllegalStateException.class,
            () ->
                dir.withOpenOut(
                    "w.txt",
                    Create.OR_TRUNCATE,
                    out -> {
                      kept.set(out);
                      out.write("partial".getBytes(UTF_8));
                      throw boom;
                    }));
    assertSame(boom, e);
    assertThrows(UncheckedIOException.class, () -> kept.get().write("x".getBytes(UTF_8)));
    assertEquals("partial", dir.withOpenIn("w.txt", in -> new String(BufReader.of(in).takeAll(), UTF_8)));
  }

  @Test
  void aCancelledCallerOpensNothing() {
    dir.save("f.txt", "abc", Create.OR_TRUNCATE);
    Switch.run(
        sw ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new Cancelled("stop"));
                  assertThrows(Cancelled.class, () -> dir.openIn(sw, "f.txt"));
                  assertThrows(Cancelled.class, () -> dir.load("f.txt"));
                }));
  }

  // ------------------------------------------------------------------ directories and entries

  @Test
  void readDirIsSortedWithoutDotEntries() {
    dir.mkdir("z");
    dir.save("a", "", Create.EXCLUSIVE);
    dir.save("M", "", Create.EXCLUSIVE);
    assertEquals(
        List.of(
            "M", "a", "dangling-out", "in-abs", "in-link", "loop", "out-abs", "out-rel", "passing",
            "secret-link", "sub", "z"),
        dir.readDir("."));
    assertEquals(List.of("inner.txt", "up", "upup"), dir.readDir("sub"));
  }

  @Test
  void mkdirsCreatesMissingParentsAndAcceptsExistingOnes() {
    dir.mkdirs("a/b/c");
    dir.mkdirs("a/b/c");
    assertEquals(FileStat.Kind.DIRECTORY, dir.stat("a/b/c").kind());
    var nd = assertThrows(FsException.NotADirectory.class, () -> dir.mkdirs("sub/inner.txt/x"));
    assertEquals("sub/inner.txt", nd.path());
    assertThrows(FsException.NotFound.class, () -> dir.mkdir("x/y"));
  }

  @Test
  void statReportsKindSizeAndPermissions() throws Exception {
    dir.save("p.txt", "12345", Create.EXCLUSIVE);
    Files.setPosixFilePermissions(box.resolve("p.txt"), PosixFilePermissions.fromString("rw-r-----"));
    FileStat st = dir.stat("p.txt");
    assertEquals(FileStat.Kind.FILE, st.kind());
    assertEquals(5, st.size());
    assertEquals(0640, st.permissions());
    assertEquals(FileStat.Kind.FILE, dir.stat("in-link").kind());
    assertEquals(FileStat.Kind.SYMLINK, dir.stat("in-link", false).kind());
  }

  @Test
  void renameIsAtomicAndReplacesTheTarget() {
    dir.save("old", "new content", Create.EXCLUSIVE);
    dir.save("target", "old content", Create.EXCLUSIVE);
    dir.rename("old", "target");
    assertEquals("new content", dir.loadString("target"));
    assertThrows(FsException.NotFound.class, () -> dir.load("old"));
    Dir sub = dir.openDir("sub");
    dir.rename("target", sub, "moved");
    assertEquals("new content", sub.loadString("moved"));
    assertThrows(FsException.NotFound.class, () -> dir.rename("missing", "x"));
  }

  @Test
  void unlinkRmdirAndRmtreeRemoveWhatTheyName() throws Exception {
    dir.save("f", "x", Create.EXCLUSIVE);
    dir.unlink("f");
    assertThrows(FsException.NotFound.class, () -> dir.stat("f"));
    assertThrows(FsException.NotFound.class, () -> dir.unlink("f"));
    dir.mkdir("empty");
    var isDir = assertThrows(FsException.class, () -> dir.unlink("empty"));
    assertTrue(isDir.getMessage().contains("is a directory"), isDir.getMessage());
    dir.rmdir("empty");
    assertThrows(FsException.NotFound.class, () -> dir.rmdir("empty"));
    assertThrows(FsException.NotADirectory.class, () -> dir.rmdir("sub/inner.txt"));
    dir.mkdirs("tree/a/b");
    dir.save("tree/a/b/f", "x", Create.EXCLUSIVE);
    dir.symlink("tree/a/escape", outside.toString());
    dir.rmtree("tree");
    assertThrows(FsException.NotFound.class, () -> dir.stat("tree"));
    // The link was removed, not followed.
    assertTrue(Files.exists(outside.resolve("secret")));
    assertThrows(FsException.NotFound.class, () -> dir.rmtree("tree"));
  }

  @Test
  void symlinkCreatesALinkThatIsCheckedWhenFollowed() {
    dir.symlink("to-inner", "sub/inner.txt");
    assertEquals("inner", dir.loadString("to-inner"));
    dir.symlink("to-outside", "../outside/secret");
    assertThrows(FsException.EscapeAttempt.class, () -> dir.load("to-outside"));
    assertThrows(FsException.AlreadyExists.class, () -> dir.symlink("to-inner", "x"));
  }
}
