package dev.eio.fs;

import dev.eio.Cancel;
import dev.eio.Switch;
import dev.eio.internal.Interrupts;
import dev.eio.internal.fs.Beneath;
import dev.eio.internal.fs.Beneath.Last;
import dev.eio.internal.fs.Beneath.Walk;
import dev.eio.internal.fs.FifoOpen;
import dev.eio.internal.fs.WalkException;
import dev.eio.io.BufReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A directory capability: every path given to it is resolved inside it, and a <em>confined</em>
 * directory (from {@link #openDir} or {@link #of}) lets nothing reached through it leave it,
 * whether by {@code ..}, an absolute path or a symbolic link pointing outside: each such attempt
 * is refused with {@link FsException.EscapeAttempt} before anything is touched.
 *
 * <p><b>Guarantees.</b> {@code env.fs()} (the whole file system: absolute paths allowed) and
 * {@code env.cwd()} (the working directory) are not confined; {@code openDir} on any directory
 * gives a confined one. Paths use {@code /} and are relative to the directory. A confined
 * directory holds its directory open and resolves each component relative to the directory
 * opened before it, never following a link in the kernel: a link is read and its target walked
 * the same way, so one that stays inside is followed and one that leaves, even in passing, is
 * refused; {@code ..} goes back to the directory the walk came from. The operation then acts on
 * the last name inside the directory the walk holds open. So the guarantee holds while other
 * threads or processes rename directories or swap them for links: nothing is checked and then
 * looked up again by name (ADR 20). It needs Linux on x86_64 or aarch64, {@code /proc/self/fd}
 * and native access for {@code dev.eio.core} ({@code --enable-native-access=dev.eio.core}, or
 * {@code ALL-UNNAMED} on the class path); elsewhere {@link #of} and {@link #openDir} fail with
 * an {@link FsException} rather than give a weaker promise. Each confined {@code Dir} keeps one
 * file descriptor open until it is garbage collected.
 *
 * <p>Failures are {@link FsException} kinds carrying the path as given, and where the walk
 * stopped and why ({@code not found: a/b/c (at "a/b": no such file or directory)}); a name no
 * file can have (a lone surrogate) is an {@link FsException} naming the argument. Open files
 * ({@link #openIn}, {@link #openOut}) belong to a switch and are closed when it ends. File
 * operations are blocking calls that check for cancellation first; reads and writes of open
 * files are cancellation points (see {@link FileIn}); the JDK does not interrupt other file
 * system calls in progress.
 *
 * <pre>{@code
 * Eio.run(env -> {
 *   Dir data = env.cwd().openDir("data");          // confined to ./data
 *   data.save("hello.txt", "hi\n", Create.OR_TRUNCATE);
 *   String s = data.loadString("hello.txt");        // "hi\n"
 *   data.load("../secret");                         // FsException.EscapeAttempt
 * });
 * }</pre>
 */
public final class Dir {
  private final Path root; // the real path when opened (confined: for messages and outside code)
  private final Beneath beneath; // the open root of a confined directory, null when unconfined

  private Dir(Path root, Beneath beneath) {
    this.root = root;
    this.beneath = beneath;
  }

  /**
   * A confined capability on the existing directory {@code dir}.
   *
   * @throws FsException.NotFound when it does not exist
   * @throws FsException.NotADirectory when it is not a directory
   * @throws FsException when confinement cannot be guaranteed on this platform (see the class
   *     comment)
   */
  public static Dir of(Path dir) {
    if (dir == null) {
      throw new NullPointerException("dir");
    }
    String name = dir.toString();
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw error(e, name);
    }
    if (!Files.isDirectory(real)) {
      throw new FsException.NotADirectory(name, null);
    }
    return confined(real, name);
  }

  private static Dir confined(Path real, String name) {
    try {
      return new Dir(real, Beneath.open(real));
    } catch (UnsupportedOperationException e) {
      throw new FsException(
          "confinement cannot be guaranteed on this platform, refused",
          name,
          e.getMessage(),
          new IOException(e.getMessage(), e));
    } catch (IOException e) {
      throw error(e, name);
    }
  }

  /** The whole file system, unconfined: absolute paths and {@code ..} are allowed. */
  public static Dir fileSystem() {
    return new Dir(Path.of("/"), null);
  }

  /** This JVM's working directory, unconfined (absolute paths and {@code ..} are allowed). */
  public static Dir workingDirectory() {
    return new Dir(Path.of("").toAbsolutePath(), null);
  }

  /** Whether this capability is confined to its directory. */
  public boolean isConfined() {
    return beneath != null;
  }

  /**
   * The operating system's path for {@code path} inside this directory, checked as any operation
   * would (links followed), for handing to code outside eio, such as a process's working
   * directory. What that code does with it is not confined, and the name may have changed by
   * the time it is used.
   */
  public Path nativePath(String path) {
    try (Walk w = walk(path, "path", Last.FOLLOW)) {
      return Path.of(w.nativePath());
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  // ------------------------------------------------------------------ path resolution

  /**
   * Where {@code path} (the argument {@code arg}) leads. Confined: walked beneath the open root,
   * each component from the descriptor of the one before (see {@link Beneath}); the walk's
   * descriptors stay open until it is closed. Unconfined: resolved by name.
   */
  private Walk walk(String path, String arg, Last last) {
    checkName(path, arg);
    Interrupts.check();
    if (beneath == null) {
      return Beneath.plain(root, path);
    }
    if (path.startsWith("/")) {
      throw new FsException.EscapeAttempt(path, "absolute path in a confined directory");
    }
    try {
      return beneath.walk(path, last);
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  private static void checkName(String path, String arg) {
    if (path == null) {
      throw new NullPointerException(arg);
    }
    boolean ascii = true;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException(arg + " must not contain NUL, got \"" + path + "\"");
      }
      ascii &= c < 0x80;
    }
    // The JDK would throw InvalidPathException (or, for a path it encodes, silently replace).
    if (!ascii && !Beneath.nameCharset().newEncoder().canEncode(path)) {
      throw new FsException(
          "invalid path",
          path,
          "argument '" + arg + "' " + unencodable(path) + ", which no file name can hold",
          null);
    }
  }

  /** Describes the first character of {@code path} that file names cannot carry. */
  private static String unencodable(String path) {
    var encoder = Beneath.nameCharset().newEncoder();
    for (int i = 0; i < path.length(); i = path.offsetByCodePoints(i, 1)) {
      int cp = path.codePointAt(i);
      if (Character.isSurrogate((char) cp)) {
        return String.format("has a lone surrogate U+%04X at index %d", cp, i);
      }
      if (!encoder.canEncode(Character.toString(cp))) {
        return String.format(
            "has U+%04X at index %d, not encodable in %s", cp, i, Beneath.nameCharset());
      }
    }
    return "cannot be encoded in " + Beneath.nameCharset();
  }

  /** The exception {@code e} about {@code path} as one of our kinds, saying where and why. */
  static FsException error(IOException e, String path) {
    if (e instanceof WalkException w) {
      String at = w.getMessage();
      return switch (w.kind()) {
        case NOT_FOUND -> new FsException.NotFound(path, at, w);
        case NOT_A_DIRECTORY -> new FsException.NotADirectory(path, at, w);
        case PERMISSION_DENIED -> new FsException.PermissionDenied(path, at, w);
        case ESCAPE -> new FsException.EscapeAttempt(path, at);
        case OTHER -> new FsException("lookup failed", path, at, w);
      };
    }
    String reason = e instanceof FileSystemException fse ? fse.getReason() : null;
    if (e instanceof NoSuchFileException) {
      return new FsException.NotFound(path, lower(reason, "no such file or directory"), e);
    }
    if (e instanceof FileAlreadyExistsException) {
      return new FsException.AlreadyExists(path, lower(reason, "file exists"), e);
    }
    if (e instanceof AccessDeniedException) {
      return new FsException.PermissionDenied(path, lower(reason, "permission denied"), e);
    }
    if (e instanceof NotDirectoryException) {
      return new FsException.NotADirectory(path, lower(reason, "not a directory"), e);
    }
    if (e instanceof DirectoryNotEmptyException) {
      return new FsException.NotEmpty(path, lower(reason, "directory not empty"), e);
    }
    if (reason != null) {
      // The JDK reports some errno values only through the reason text (strerror).
      String why = lower(reason, null);
      switch (reason) {
        case "Not a directory":
          return new FsException.NotADirectory(path, why, e);
        case "Permission denied", "Operation not permitted":
          return new FsException.PermissionDenied(path, why, e);
        case "Directory not empty":
          return new FsException.NotEmpty(path, why, e);
        case "File exists":
          return new FsException.AlreadyExists(path, why, e);
        case "No such file or directory":
          return new FsException.NotFound(path, why, e);
        default:
          break;
      }
      if (reason.startsWith("Too many levels of symbolic links")) {
        // Only the last name is opened with O_NOFOLLOW after the walk followed its links.
        return new FsException(
            "is a symbolic link", path, "it became one during the operation, not followed", e);
      }
      return new FsException(why, path, e);
    }
    return new FsException(String.valueOf(e.getMessage()), path, e);
  }

  private static String lower(String reason, String fallback) {
    if (reason == null || reason.isEmpty()) {
      return fallback;
    }
    return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  private static void refuseRoot(Walk w, String path) {
    if (w.isRoot()) {
      throw new IllegalArgumentException(
          "path must name an entry inside the directory, not the directory itself, got \""
              + path
              + "\"");
    }
  }

  // ------------------------------------------------------------------ directories

  /**
   * A confined capability on the subdirectory {@code path}.
   *
   * @throws FsException.NotFound when it does not exist
   * @throws FsException.NotADirectory when it is not a directory
   */
  public Dir openDir(String path) {
    try (Walk w = walk(path, "path", Last.DIRECTORY)) {
      if (beneath == null) {
        Path p = w.self();
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FsException.NotFound(path, null);
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FsException.NotADirectory(path, null);
        }
        return confined(p.toRealPath(), path);
      }
      // The new root is the directory the walk holds open, not whatever its name leads to now.
      return new Dir(Path.of(w.nativePath()), w.openAsRoot());
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * The names of the entries of directory {@code path}, sorted, without {@code .} and {@code ..}.
   */
  public List<String> readDir(String path) {
    List<String> names = new ArrayList<>();
    try (Walk w = walk(path, "path", Last.DIRECTORY);
        DirectoryStream<Path> ds = Files.newDirectoryStream(w.self())) {
      for (Path e : ds) {
        names.add(e.getFileName().toString());
      }
    } catch (IOException e) {
      throw error(e, path);
    }
    Collections.sort(names);
    return names;
  }

  /**
   * Creates directory {@code path}; its parent must exist.
   *
   * @throws FsException.AlreadyExists when the path exists
   */
  public void mkdir(String path) {
    try (Walk w = walk(path, "path", Last.NOFOLLOW)) {
      if (w.isRoot()) {
        throw new FsException.AlreadyExists(path, null);
      }
      Files.createDirectory(w.named());
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * Creates directory {@code path} and any missing parents; an existing directory is fine.
   *
   * @throws FsException.NotADirectory when a component exists and is not a directory
   */
  public void mkdirs(String path) {
    checkName(path, "path");
    // One level at a time, each walked afresh: a link created mid-way cannot carry us outside.
    StringBuilder prefix = new StringBuilder();
    for (String c : path.split("/")) {
      if (c.isEmpty()) {
        continue;
      }
      if (prefix.length() > 0) {
        prefix.append('/');
      }
      prefix.append(c);
      String sofar = prefix.toString();
      try (Walk w = walk(sofar, "path", Last.FOLLOW)) {
        if (Files.isDirectory(w.self())) {
          continue;
        }
        try {
          Files.createDirectory(w.named());
        } catch (FileAlreadyExistsException e) {
          if (!Files.isDirectory(w.self())) {
            throw new FsException.NotADirectory(sofar, "exists and is not a directory", e);
          }
        }
      } catch (IOException e) {
        throw error(e, sofar);
      }
    }
  }

  /**
   * Removes the empty directory {@code path}.
   *
   * @throws FsException.NotEmpty when it has entries
   * @throws FsException.NotADirectory when it is not a directory
   */
  public void rmdir(String path) {
    try (Walk w = walk(path, "path", Last.NOFOLLOW)) {
      refuseRoot(w, path);
      Path p = w.named();
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FsException.NotFound(path, "no such file or directory", null);
        }
        throw new FsException.NotADirectory(path, "not a directory", null);
      }
      Files.delete(p);
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * Removes {@code path} and everything under it. Links inside are removed, never followed.
   * A missing path is {@link FsException.NotFound}.
   */
  public void rmtree(String path) {
    try (Walk w = walk(path, "path", Last.NOFOLLOW)) {
      refuseRoot(w, path);
      Path p = w.named();
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FsException.NotFound(path, "no such file or directory", null);
      }
      if (beneath != null) {
        w.removeTree();
      } else {
        removeTree(p, path);
      }
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /** Unconfined removal, by name. */
  private static void removeTree(Path p, String name) {
    Interrupts.check();
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path e : ds) {
          removeTree(e, name + "/" + e.getFileName());
        }
      } catch (IOException e) {
        throw error(e, name);
      }
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // Removed by someone else meanwhile: the goal is reached.
    } catch (IOException e) {
      throw error(e, name);
    }
  }

  // ------------------------------------------------------------------ entries

  /** {@link #stat(String, boolean)} following a final symbolic link. */
  public FileStat stat(String path) {
    return stat(path, true);
  }

  /**
   * What {@code path} is. With {@code follow} false a final symbolic link is described itself
   * ({@link FileStat.Kind#SYMLINK}); links before it are always followed (and confined).
   */
  public FileStat stat(String path, boolean follow) {
    try (Walk w = walk(path, "path", follow ? Last.FOLLOW : Last.NOFOLLOW)) {
      Path p = w.self();
      BasicFileAttributes a;
      int perms = -1;
      try {
        PosixFileAttributes pa =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        perms = bits(pa.permissions());
        a = pa;
      } catch (UnsupportedOperationException e) {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
      FileStat.Kind kind =
          a.isSymbolicLink()
              ? FileStat.Kind.SYMLINK
              : a.isDirectory()
                  ? FileStat.Kind.DIRECTORY
                  : a.isRegularFile() ? FileStat.Kind.FILE : FileStat.Kind.OTHER;
      return new FileStat(kind, a.size(), perms, a.lastModifiedTime().toInstant());
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  private static int bits(Set<PosixFilePermission> perms) {
    int b = 0;
    for (PosixFilePermission p : perms) {
      b |= 1 << (8 - p.ordinal());
    }
    return b;
  }

  /**
   * Renames {@code from} to {@code to}, both in this directory, atomically: replacing an existing
   * {@code to} (a file, or an empty directory) in one step, as {@code rename(2)} does.
   */
  public void rename(String from, String to) {
    rename(from, this, to);
  }

  /**
   * Renames {@code from} in this directory to {@code to} in {@code toDir}, atomically. Both must
   * be on the same file system.
   */
  public void rename(String from, Dir toDir, String to) {
    if (toDir == null) {
      throw new NullPointerException("toDir");
    }
    checkName(to, "to");
    try (Walk src = walk(from, "from", Last.NOFOLLOW)) {
      refuseRoot(src, from);
      try (Walk dst = toDir.walk(to, "to", Last.NOFOLLOW)) {
        refuseRoot(dst, to);
        Path d = dst.named();
        try {
          Files.move(src.named(), d, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          boolean isTo = e instanceof NoSuchFileException n && d.toString().equals(n.getFile());
          throw error(e, isTo ? to : from);
        }
      }
    }
  }

  /**
   * Removes the file or symbolic link {@code path} (a link is removed, not its target).
   *
   * @throws FsException when it is a directory (use {@link #rmdir})
   */
  public void unlink(String path) {
    try (Walk w = walk(path, "path", Last.NOFOLLOW)) {
      refuseRoot(w, path);
      Path p = w.named();
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FsException("is a directory (use rmdir or rmtree)", path, null);
      }
      Files.delete(p);
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * Creates a symbolic link {@code link} pointing to {@code target}. Any target may be written;
   * following the link through a confined directory is checked like any path.
   *
   * @throws FsException.AlreadyExists when {@code link} exists
   */
  public void symlink(String link, String target) {
    if (target == null) {
      throw new NullPointerException("target");
    }
    checkName(target, "target");
    try (Walk w = walk(link, "link", Last.NOFOLLOW)) {
      if (w.isRoot()) {
        throw new FsException.AlreadyExists(link, null);
      }
      Files.createSymbolicLink(w.named(), Path.of(target));
    } catch (IOException e) {
      throw error(e, link);
    }
  }

  // ------------------------------------------------------------------ whole files

  /** The contents of file {@code path}. */
  public byte[] load(String path) {
    try (FileChannel ch = open(path, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      return readAll(ch, path);
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * Opens the file {@code path} leads to. The walk followed any links in its last name, so it is
   * opened with {@code NOFOLLOW_LINKS} (a link swapped in since is refused) relative to the
   * directory the walk holds.
   */
  private FileChannel open(String path, Set<OpenOption> options) {
    try {
      try (Walk w = walk(path, "path", Last.FOLLOW)) {
        if (!FifoOpen.isFifo(w.self())) {
          return FileChannel.open(w.self(), options);
        }
      }
      // open(2) of a FIFO waits for its other end, and no interrupt ends that wait.
      return FifoOpen.open(
          () -> openWalked(path, options),
          // The release runs in the cancelled fiber, whose walk would refuse to start otherwise.
          () ->
              Cancel.protect(
                  () ->
                      openWalked(
                          path,
                          Set.of(
                              StandardOpenOption.READ,
                              StandardOpenOption.WRITE,
                              LinkOption.NOFOLLOW_LINKS))));
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  private FileChannel openWalked(String path, Set<? extends OpenOption> options) throws IOException {
    try (Walk w = walk(path, "path", Last.FOLLOW)) {
      return FileChannel.open(w.self(), options);
    }
  }

  /** The contents of file {@code path} decoded as UTF-8. */
  public String loadString(String path) {
    return new String(load(path), StandardCharsets.UTF_8);
  }

  private static byte[] readAll(FileChannel ch, String path) throws IOException {
    long size = ch.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new FsException("file too large to load into one array (" + size + " bytes)", path, null);
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (true) {
      if (!buf.hasRemaining()) {
        // The file grew since we asked its size: keep reading into a larger buffer.
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(8192, buf.capacity() * 2));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
      if (ch.read(buf) < 0) {
        break;
      }
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  /**
   * Writes {@code data} to file {@code path} from its start, opened according to {@code create}
   * (with {@link Create#NEVER} and {@link Create#IF_MISSING}, bytes of a longer existing file
   * beyond {@code data} stay, as in Eio).
   */
  public void save(String path, byte[] data, Create create) {
    if (data == null) {
      throw new NullPointerException("data");
    }
    try (FileChannel ch = open(path, writeOptions(create))) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /** {@link #save(String, byte[], Create)} of the UTF-8 bytes of {@code text}. */
  public void save(String path, String text, Create create) {
    if (text == null) {
      throw new NullPointerException("text");
    }
    save(path, text.getBytes(StandardCharsets.UTF_8), create);
  }

  private static Set<OpenOption> writeOptions(Create create) {
    if (create == null) {
      throw new NullPointerException("create");
    }
    // NOFOLLOW_LINKS: the walk replaced every link it saw; a link appearing since is refused.
    return switch (create) {
      case NEVER -> Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      case IF_MISSING ->
          Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
      case OR_TRUNCATE ->
          Set.of(
              StandardOpenOption.WRITE,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              LinkOption.NOFOLLOW_LINKS);
      case EXCLUSIVE ->
          Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
    };
  }

  // ------------------------------------------------------------------ open files

  /**
   * Opens file {@code path} for reading; it is closed when {@code sw} ends. Opening a FIFO waits
   * until a writer opens it (on a helper thread, so the wait is cancellable and holds no carrier
   * thread); reads then wait for the writer's bytes.
   */
  public FileIn openIn(Switch sw, String path) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    sw.check();
    FileChannel ch = open(path, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    return new FileIn(sw, ch, path);
  }

  /**
   * Opens file {@code path} for writing as {@code create} says; closed when {@code sw} ends.
   * Opening a FIFO waits, cancellably, until a reader opens it, as {@link #openIn} does.
   */
  public FileOut openOut(Switch sw, String path, Create create) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    Set<OpenOption> options = writeOptions(create);
    sw.check();
    FileChannel ch = open(path, options);
    return new FileOut(sw, ch, path);
  }

  /** Opens {@code path} for reading, applies {@code fn}, and closes it whatever happens. */
  public <T> T withOpenIn(String path, Function<FileIn, T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    return Switch.call("open-in", sw -> fn.apply(openIn(sw, path)));
  }

  /** Opens {@code path} for writing, applies {@code fn}, and closes it whatever happens. */
  public <T> T withOpenOut(String path, Create create, Function<FileOut, T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    return Switch.call("open-out", sw -> fn.apply(openOut(sw, path, create)));
  }

  /**
   * Opens {@code path} and applies {@code fn} to its lines (UTF-8, ending at LF or CRLF, as
   * {@link BufReader#lines()}), read lazily; closes it whatever happens.
   */
  public <T> T withLines(String path, Function<Iterable<String>, T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    return withOpenIn(path, in -> fn.apply(BufReader.of(in).lines()));
  }

  @Override
  public String toString() {
    return "Dir[" + root + (beneath != null ? ", confined" : "") + "]";
  }
}
