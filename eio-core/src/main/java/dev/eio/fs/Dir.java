package dev.eio.fs;

import dev.eio.Switch;
import dev.eio.internal.Interrupts;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
 * gives a confined one. Paths use {@code /} and are relative to the directory; links are
 * resolved one component at a time against the directory's real path, so a link that stays
 * inside is followed and one that leaves, even in passing, is refused. The check happens before
 * the operation: a concurrent process that swaps a checked directory for a link in between can
 * defeat it (ADR 12 explains the limit). Failures are {@link FsException} kinds carrying the path
 * as given. Open files ({@link #openIn}, {@link #openOut}) belong to a switch and are closed
 * when it ends. File operations are blocking calls that check for cancellation first; the JDK
 * does not interrupt file system calls in progress.
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
  private static final int MAX_LINKS = 40; // Linux's own limit on links followed in one lookup

  private final Path root; // a real path (no links) when confined
  private final boolean confined;

  private Dir(Path root, boolean confined) {
    this.root = root;
    this.confined = confined;
  }

  /**
   * A confined capability on the existing directory {@code dir}.
   *
   * @throws FsException.NotFound when it does not exist
   * @throws FsException.NotADirectory when it is not a directory
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
    return new Dir(real, true);
  }

  /** The whole file system, unconfined: absolute paths and {@code ..} are allowed. */
  public static Dir fileSystem() {
    return new Dir(Path.of("/"), false);
  }

  /** This JVM's working directory, unconfined (absolute paths and {@code ..} are allowed). */
  public static Dir workingDirectory() {
    return new Dir(Path.of("").toAbsolutePath(), false);
  }

  /** Whether this capability is confined to its directory. */
  public boolean isConfined() {
    return confined;
  }

  /**
   * The operating system's path for {@code path} inside this directory, checked as any operation
   * would (links followed), for handing to code outside eio, such as a process's working
   * directory. What that code does with it is not confined.
   */
  public Path nativePath(String path) {
    return resolve(path, true);
  }

  // ------------------------------------------------------------------ path resolution

  /**
   * The path to operate on: for a confined directory, walked one component at a time from the
   * real root; a link is replaced by its target (unless it is the last component and {@code
   * followLast} is false) and the walk never steps above the root.
   */
  private Path resolve(String path, boolean followLast) {
    checkName(path);
    Interrupts.check();
    if (!confined) {
      return root.resolve(path);
    }
    if (path.startsWith("/")) {
      throw new FsException.EscapeAttempt(path, "absolute path in a confined directory");
    }
    Deque<String> pending = new ArrayDeque<>();
    push(pending, path);
    Path cur = root;
    int links = 0;
    while (!pending.isEmpty()) {
      String c = pending.pop();
      // As the kernel does: whatever follows a name (even '.', '..' or a trailing '/') needs
      // that name to be an existing directory; cur has no links, so no link is followed here.
      if (cur != root && !Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
          throw new FsException.NotFound(path, null);
        }
        throw new FsException.NotADirectory(path, null);
      }
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (cur.equals(root)) {
          throw new FsException.EscapeAttempt(path, "'..' climbs above the directory");
        }
        cur = cur.getParent();
        continue;
      }
      Path next = cur.resolve(c);
      if ((!pending.isEmpty() || followLast) && Files.isSymbolicLink(next)) {
        if (++links > MAX_LINKS) {
          throw new FsException(
              "too many symbolic links", path, new FileSystemException(next.toString()));
        }
        Path target;
        try {
          target = Files.readSymbolicLink(next);
        } catch (IOException e) {
          throw error(e, path);
        }
        if (target.isAbsolute()) {
          // Allowed only when it names a place under the real root; the rest is walked as usual.
          if (!target.startsWith(root)) {
            throw new FsException.EscapeAttempt(
                path, "symbolic link " + relative(next) + " points outside, to " + target);
          }
          cur = root;
          push(pending, root.relativize(target).toString());
        } else {
          push(pending, target.toString());
        }
        continue;
      }
      cur = next;
    }
    return cur;
  }

  /** Puts the components of {@code p} in front of the pending ones, in order. */
  private static void push(Deque<String> pending, String p) {
    String[] parts = p.split("/", -1);
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.push(parts[i]);
    }
  }

  private String relative(Path p) {
    return root.relativize(p).toString();
  }

  private static void checkName(String path) {
    if (path == null) {
      throw new NullPointerException("path");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path must not contain NUL, got \"" + path + "\"");
    }
  }

  /** The JDK exception {@code e} about {@code path} as one of our kinds. */
  static FsException error(IOException e, String path) {
    if (e instanceof NoSuchFileException) {
      return new FsException.NotFound(path, e);
    }
    if (e instanceof FileAlreadyExistsException) {
      return new FsException.AlreadyExists(path, e);
    }
    if (e instanceof AccessDeniedException) {
      return new FsException.PermissionDenied(path, e);
    }
    if (e instanceof NotDirectoryException) {
      return new FsException.NotADirectory(path, e);
    }
    if (e instanceof DirectoryNotEmptyException) {
      return new FsException.NotEmpty(path, e);
    }
    String reason = e instanceof FileSystemException fse ? fse.getReason() : null;
    if (reason != null) {
      // The JDK reports some errno values only through the reason text (strerror).
      switch (reason) {
        case "Not a directory":
          return new FsException.NotADirectory(path, e);
        case "Permission denied", "Operation not permitted":
          return new FsException.PermissionDenied(path, e);
        case "Directory not empty":
          return new FsException.NotEmpty(path, e);
        case "File exists":
          return new FsException.AlreadyExists(path, e);
        case "No such file or directory":
          return new FsException.NotFound(path, e);
        default:
          break;
      }
    }
    return new FsException(reason != null ? reason : String.valueOf(e.getMessage()), path, e);
  }

  // ------------------------------------------------------------------ directories

  /**
   * A confined capability on the subdirectory {@code path}.
   *
   * @throws FsException.NotFound when it does not exist
   * @throws FsException.NotADirectory when it is not a directory
   */
  public Dir openDir(String path) {
    Path p = resolve(path, true);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException.NotFound(path, null);
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException.NotADirectory(path, null);
    }
    try {
      // Resolving left no link in p, so its real path is p itself: the new root stays inside.
      return new Dir(p.toRealPath(), true);
    } catch (IOException e) {
      throw error(e, path);
    }
  }

  /**
   * The names of the entries of directory {@code path}, sorted, without {@code .} and {@code ..}.
   */
  public List<String> readDir(String path) {
    Path p = resolve(path, true);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
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
    Path p = resolve(path, false);
    try {
      Files.createDirectory(p);
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
    checkName(path);
    // One level at a time, each checked: a link created mid-way cannot carry us outside.
    StringBuilder prefix = new StringBuilder();
    for (String c : path.split("/")) {
      if (c.isEmpty()) {
        continue;
      }
      if (prefix.length() > 0) {
        prefix.append('/');
      }
      prefix.append(c);
      Path p = resolve(prefix.toString(), true);
      if (Files.isDirectory(p)) {
        continue;
      }
      try {
        Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw new FsException.NotADirectory(prefix.toString(), e);
        }
      } catch (IOException e) {
        throw error(e, prefix.toString());
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
    Path p = resolve(path, false);
    refuseRoot(p, path);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FsException.NotFound(path, null);
      }
      throw new FsException.NotADirectory(path, null);
    }
    try {
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
    Path p = resolve(path, false);
    refuseRoot(p, path);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException.NotFound(path, null);
    }
    removeTree(p, path);
  }

  private void removeTree(Path p, String name) {
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

  private void refuseRoot(Path p, String path) {
    if (p.equals(root)) {
      throw new IllegalArgumentException(
          "path must name an entry inside the directory, not the directory itself, got \""
              + path
              + "\"");
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
    Path p = resolve(path, follow);
    try {
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
    Path src = resolve(from, false);
    refuseRoot(src, from);
    Path dst = toDir.resolve(to, false);
    try {
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw error(e, e instanceof NoSuchFileException n && dst.toString().equals(n.getFile()) ? to : from);
    }
  }

  /**
   * Removes the file or symbolic link {@code path} (a link is removed, not its target).
   *
   * @throws FsException when it is a directory (use {@link #rmdir})
   */
  public void unlink(String path) {
    Path p = resolve(path, false);
    refuseRoot(p, path);
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException("is a directory (use rmdir or rmtree)", path, null);
    }
    try {
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
    Path p = resolve(link, false);
    try {
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException e) {
      throw error(e, link);
    }
  }

  // ------------------------------------------------------------------ whole files

  /** The contents of file {@code path}. */
  public byte[] load(String path) {
    Path p = resolve(path, true);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return readAll(ch, path);
    } catch (IOException e) {
      throw error(e, path);
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
    Path p = resolve(path, true);
    try (FileChannel ch = FileChannel.open(p, writeOptions(create))) {
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
    // NOFOLLOW_LINKS: resolution replaced every link it saw; a link appearing since is refused.
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

  /** Opens file {@code path} for reading; it is closed when {@code sw} ends. */
  public FileIn openIn(Switch sw, String path) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    Path p = resolve(path, true);
    sw.check();
    FileChannel ch;
    try {
      ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw error(e, path);
    }
    return new FileIn(sw, ch, path);
  }

  /** Opens file {@code path} for writing as {@code create} says; closed when {@code sw} ends. */
  public FileOut openOut(Switch sw, String path, Create create) {
    if (sw == null) {
      throw new NullPointerException("sw");
    }
    Set<OpenOption> options = writeOptions(create);
    Path p = resolve(path, true);
    sw.check();
    FileChannel ch;
    try {
      ch = FileChannel.open(p, options);
    } catch (IOException e) {
      throw error(e, path);
    }
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
    return "Dir[" + root + (confined ? ", confined" : "") + "]";
  }
}
