package dev.eio.internal.fs;

import dev.eio.internal.Interrupts;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * An open directory that paths are resolved beneath, one component at a time, each relative to
 * the descriptor of the directory before it, so nothing reached can lie outside even while
 * others rename directories and swap them for links.
 *
 * <p>Each directory component is opened with {@code openat(O_PATH | O_DIRECTORY | O_NOFOLLOW)}
 * from the descriptor of its parent: a link there is never followed by the kernel; we read it
 * and walk its target ourselves, from the same descriptors. {@code ..} returns to the
 * descriptor we came from, so a directory moved or swapped meanwhile cannot carry the walk up
 * and out. The operation then acts on the last name relative to its parent's descriptor, through
 * {@code /proc/self/fd/N/name}: the kernel jumps straight to that open directory, so the JDK's own
 * calls (open, mkdir, rename, unlink, stat, opendir) stay beneath it without a second lookup by
 * name. The root descriptor is closed when the {@code Beneath} becomes unreachable.
 */
public final class Beneath {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int MAX_LINKS = 40; // Linux's own limit on links followed in one lookup
  private static final int MAX_RETRIES = 8; // a component flipping between link and not

  private final int rootFd;
  private final Cleaner.Cleanable closer;

  private Beneath(int rootFd) {
    this.rootFd = rootFd;
    this.closer = CLEANER.register(this, () -> NativeFs.close(rootFd));
  }

  /** Why paths cannot be confined on this platform, or {@code null} when they can. */
  public static String unsupportedReason() {
    return NativeFs.unsupportedReason();
  }

  /** The charset file names are encoded with. */
  public static java.nio.charset.Charset nameCharset() {
    return NativeFs.charset();
  }

  /**
   * Opens the directory at the absolute real path {@code dir} (trusted: it is the caller's, not
   * the confined code's) and checks that {@code /proc/self/fd} reaches it.
   *
   * @throws UnsupportedOperationException with the reason when confinement is impossible here
   */
  public static Beneath open(Path dir) throws IOException {
    String why = unsupportedReason();
    if (why != null) {
      throw new UnsupportedOperationException(why);
    }
    int fd = NativeFs.openDirAt(NativeFs.AT_FDCWD, dir.toString());
    if (fd < 0) {
      throw failure(-fd, dir.toString(), dir.toString());
    }
    return checked(fd, dir);
  }

  private static Beneath checked(int fd, Path expected) throws IOException {
    try {
      Object viaProc =
          Files.readAttributes(proc(fd, "."), BasicFileAttributes.class).fileKey();
      Object direct =
          Files.readAttributes(expected, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (viaProc == null || !viaProc.equals(direct)) {
        throw new IOException(expected + " changed while it was being opened");
      }
    } catch (NoSuchFileException e) {
      NativeFs.close(fd);
      throw new UnsupportedOperationException(
          "confinement needs /proc/self/fd (procfs mounted and readable by this process)", e);
    } catch (IOException | RuntimeException e) {
      NativeFs.close(fd);
      throw e;
    }
    return new Beneath(fd);
  }

  /** {@code /proc/self/fd/<fd>/<name>}: {@code name} looked up in the open directory {@code fd}. */
  static Path proc(int fd, String name) {
    return Path.of("/proc/self/fd/" + fd, name);
  }

  /** The directory's current path, as the kernel names it now (for messages and outside code). */
  String currentPath(int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
  }

  /** How the last component of a walked path is treated. */
  public enum Last {
    /** Opened as a directory, following a link that stays inside (openDir, readDir). */
    DIRECTORY,
    /** Left unopened after a link there is followed (load, save, stat). */
    FOLLOW,
    /** Left unopened as it is, link or not (unlink, rename, mkdir, symlink). */
    NOFOLLOW
  }

  /**
   * Walks {@code path} (relative, {@code /}-separated) beneath this directory.
   *
   * @throws WalkException naming the component and the reason when the walk cannot go on or
   *     would leave the directory
   */
  public Walk walk(String path, Last last) throws IOException {
    Walk w = new Walk(this);
    try {
      w.run(path, last);
      return w;
    } catch (IOException | RuntimeException | Error e) {
      w.close();
      throw e;
    }
  }

  /**
   * An unconfined "walk": {@code path} resolved against {@code root} by name, as the kernel would,
   * for directories that are not confined ({@code removeTree} is not available on it).
   */
  public static Walk plain(Path root, String path) {
    Path p = root.resolve(path);
    return new Walk(p, p.equals(root));
  }

  /**
   * The directories opened so far (the root first, not owned) and, unless the path ends on a
   * directory, the last name, still unopened. Closing it closes the descriptors it opened.
   */
  public static final class Walk implements AutoCloseable {
    private final Beneath owner; // null for a plain path of an unconfined directory
    private final Path plain;
    private final boolean plainIsRoot;
    private int[] fds = new int[8];
    private String[] names = new String[8];
    private int depth = 1;
    private String last;

    private Walk(Beneath owner) {
      this.owner = owner;
      this.plain = null;
      this.plainIsRoot = false;
      fds[0] = owner.rootFd;
    }

    private Walk(Path plain, boolean isRoot) {
      this.owner = null;
      this.plain = plain;
      this.plainIsRoot = isRoot;
    }

    private int top() {
      return fds[depth - 1];
    }

    private void run(String path, Last mode) throws IOException {
      if (path.startsWith("/")) {
        throw new WalkException(WalkException.Kind.ESCAPE, "absolute path in a confined directory");
      }
      Deque<String> pending = new ArrayDeque<>();
      push(pending, path);
      int links = 0;
      int retries = 0;
      while (!pending.isEmpty()) {
        String c = pending.pop();
        if (c.isEmpty() || c.equals(".")) {
          continue; // the top is an open directory, as '.' or a trailing '/' needs
        }
        if (c.equals("..")) {
          if (depth == 1) {
            throw new WalkException(WalkException.Kind.ESCAPE, "'..' climbs above the directory");
          }
          NativeFs.close(fds[--depth]);
          continue;
        }
        boolean isLast = pending.isEmpty();
        if (isLast && mode == Last.NOFOLLOW) {
          last = c;
          return;
        }
        String target;
        if (isLast && mode == Last.FOLLOW) {
          target = linkTarget(c, false);
          if (target == null) {
            last = c;
            return;
          }
        } else {
          int fd = NativeFs.openDirAt(top(), c);
          if (fd >= 0) {
            pushDir(fd, c);
            continue;
          }
          if (-fd != NativeFs.ELOOP && -fd != NativeFs.ENOTDIR) {
            throw failure(-fd, here(c), null);
          }
          // A link (the kernel refuses to follow it), or something that is not a directory.
          target = linkTarget(c, true);
          if (target == null) {
            // Not a link: a file, or it changed between the two calls. Look again, a bounded
            // number of times; a second "not a directory" for a non-link is the answer.
            if (-fd == NativeFs.ENOTDIR && retries > 0) {
              throw failure(-fd, here(c), null);
            }
            if (++retries > MAX_RETRIES) {
              throw new WalkException(
                  WalkException.Kind.OTHER, "at \"" + here(c) + "\": it keeps changing (retried)");
            }
            pending.push(c);
            continue;
          }
        }
        if (++links > MAX_LINKS) {
          throw new WalkException(
              WalkException.Kind.OTHER, "at \"" + here(c) + "\": too many symbolic links");
        }
        if (target.startsWith("/")) {
          String root = owner.currentPath(owner.rootFd);
          String rel = beneath(target, root);
          if (rel == null) {
            throw new WalkException(
                WalkException.Kind.ESCAPE,
                "symbolic link \"" + here(c) + "\" points outside, to " + target);
          }
          while (depth > 1) {
            NativeFs.close(fds[--depth]);
          }
          push(pending, rel);
        } else {
          push(pending, target);
        }
      }
    }

    /**
     * The target of link {@code c} in the top directory, or {@code null} when it is not a link.
     * With {@code seen}, openat just found it, so its absence now means it vanished meanwhile.
     */
    private String linkTarget(String c, boolean seen) throws IOException {
      try {
        return Files.readSymbolicLink(proc(top(), c)).toString();
      } catch (NotLinkException e) {
        return null;
      } catch (NoSuchFileException e) {
        if (seen) {
          // Vanished between our two looks: a link (or directory) removed or renamed meanwhile.
          throw new WalkException(
              WalkException.Kind.NOT_FOUND,
              "at \"" + here(c) + "\": no such file or directory (it disappeared during the lookup)",
              e);
        }
        return null;
      } catch (IOException e) {
        throw new WalkException(
            WalkException.Kind.OTHER, "at \"" + here(c) + "\": reading the link failed: " + e, e);
      }
    }

    private void pushDir(int fd, String name) {
      if (depth == fds.length) {
        fds = java.util.Arrays.copyOf(fds, depth * 2);
        names = java.util.Arrays.copyOf(names, depth * 2);
      }
      fds[depth] = fd;
      names[depth++] = name;
    }

    /** The component {@code c} with the directories walked to reach it, for messages. */
    private String here(String c) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < depth; i++) {
        sb.append(names[i]).append('/');
      }
      return sb.append(c).toString();
    }

    /** Whether the walk ended on the root directory itself. */
    public boolean isRoot() {
      if (plain != null) {
        return plainIsRoot;
      }
      return last == null && depth == 1;
    }

    /** The walked thing itself: the last name in its parent, or the directory the walk ended on. */
    public Path self() {
      if (plain != null) {
        return plain;
      }
      return proc(top(), last != null ? last : ".");
    }

    /** The walked thing as a name in its parent directory, for operations on names. */
    public Path named() {
      if (plain != null) {
        return plain;
      }
      if (last != null) {
        return proc(top(), last);
      }
      if (depth == 1) {
        throw new IllegalStateException("the root has no name in a parent beneath it");
      }
      return proc(fds[depth - 2], names[depth - 1]);
    }

    /** The operating system's current path of {@link #self()}, for code outside eio. */
    public String nativePath() throws IOException {
      if (plain != null) {
        return plain.toString();
      }
      String dir = owner.currentPath(top());
      return last == null ? dir : dir.equals("/") ? "/" + last : dir + "/" + last;
    }

    /** A new, independent {@code Beneath} on the directory this walk ended on. */
    public Beneath openAsRoot() throws IOException {
      if (plain != null || last != null) {
        throw new IllegalStateException("the walk did not end on a confined directory");
      }
      int fd = NativeFs.openDirAt(top(), ".");
      if (fd < 0) {
        throw failure(-fd, here("."), null);
      }
      return new Beneath(fd);
    }

    /**
     * Removes the walked name and everything under it, never following a link: each directory
     * is opened from its parent's descriptor before its entries are removed relative to it.
     */
    public void removeTree() throws IOException {
      if (plain != null || isRoot()) {
        throw new IllegalStateException("refusing to remove the root");
      }
      if (last != null) {
        removeAt(top(), last, here(last));
      } else {
        removeAt(fds[depth - 2], names[depth - 1], here(""));
      }
    }

    private void removeAt(int parent, String name, String shown) throws IOException {
      Interrupts.check();
      int fd = NativeFs.openDirAt(parent, name);
      if (fd >= 0) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc(fd, "."))) {
          for (Path e : ds) {
            String child = e.getFileName().toString();
            removeAt(fd, child, shown + "/" + child);
          }
        } finally {
          NativeFs.close(fd);
        }
      } else if (-fd == NativeFs.ENOENT) {
        return; // removed by someone else meanwhile: the goal is reached
      } else if (-fd != NativeFs.ENOTDIR && -fd != NativeFs.ELOOP) {
        throw failure(-fd, shown, null);
      }
      try {
        Files.delete(proc(parent, name)); // a link or file: unlink; a directory: rmdir
      } catch (NoSuchFileException e) {
        // Removed by someone else meanwhile.
      }
    }

    @Override
    public void close() {
      while (depth > 1) {
        NativeFs.close(fds[--depth]);
      }
      Reference.reachabilityFence(owner);
    }
  }

  /** The part of absolute {@code target} below {@code root}, or {@code null} if not below it. */
  static String beneath(String target, String root) {
    if (root.equals("/")) {
      return target.substring(1);
    }
    if (target.equals(root)) {
      return "";
    }
    return target.startsWith(root + "/") ? target.substring(root.length() + 1) : null;
  }

  /** Puts the components of {@code p} in front of the pending ones, in order. */
  private static void push(Deque<String> pending, String p) {
    String[] parts = p.split("/", -1);
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.push(parts[i]);
    }
  }

  static WalkException failure(int errno, String at, String whole) {
    String where = "at \"" + Objects.requireNonNullElse(whole, at) + "\": ";
    return switch (errno) {
      case NativeFs.ENOENT ->
          new WalkException(WalkException.Kind.NOT_FOUND, where + "no such file or directory");
      case NativeFs.ENOTDIR ->
          new WalkException(WalkException.Kind.NOT_A_DIRECTORY, where + "not a directory");
      case NativeFs.EACCES ->
          new WalkException(WalkException.Kind.PERMISSION_DENIED, where + "permission denied");
      case NativeFs.ELOOP ->
          new WalkException(WalkException.Kind.OTHER, where + "is a symbolic link");
      default -> new WalkException(WalkException.Kind.OTHER, where + "openat failed, errno " + errno);
    };
  }
}
