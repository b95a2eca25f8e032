package dev.eio.fs;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A file-system operation failed on {@link #path()}; the subclasses name the common kinds so they
 * can be caught apart: {@link AlreadyExists}, {@link NotFound}, {@link PermissionDenied}, {@link
 * NotADirectory}, {@link NotEmpty} and {@link EscapeAttempt}.
 *
 * <p>It is an {@link UncheckedIOException}, so code catching I/O failures of byte flows catches
 * these too; the cause is the JDK's exception when there was one.
 *
 * <pre>{@code
 * try {
 *   dir.load("config.json");
 * } catch (FsException.NotFound e) {
 *   e.path(); // "config.json"
 * }
 * }</pre>
 */
public class FsException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * A failure of an operation on {@code path} (as the caller named it), explained by {@code what};
   * {@code cause} is the JDK's exception, or {@code null} when our own check found the problem.
   */
  public FsException(String what, String path, IOException cause) {
    this(what, path, null, cause);
  }

  /** As the public constructor, with {@code detail} (where and why, when known) in the message. */
  FsException(String what, String path, String detail, IOException cause) {
    super(
        message(what, path, detail),
        cause != null ? cause : new IOException(message(what, path, detail)));
    this.path = path;
  }

  private static String message(String what, String path, String detail) {
    return what + ": " + path + (detail == null ? "" : " (" + detail + ")");
  }

  /** The path the failed operation was given, relative to its directory capability. */
  public String path() {
    return path;
  }

  /** The path exists already (creating a file, directory or link). */
  public static final class AlreadyExists extends FsException {
    private static final long serialVersionUID = 1L;

    /** {@code path} exists. */
    public AlreadyExists(String path, IOException cause) {
      super("already exists", path, cause);
    }

    AlreadyExists(String path, String detail, IOException cause) {
      super("already exists", path, detail, cause);
    }
  }

  /** The path, or one of its parent directories, does not exist. */
  public static final class NotFound extends FsException {
    private static final long serialVersionUID = 1L;

    /** {@code path} does not exist. */
    public NotFound(String path, IOException cause) {
      super("not found", path, cause);
    }

    NotFound(String path, String detail, IOException cause) {
      super("not found", path, detail, cause);
    }
  }

  /** The operating system refused access to the path. */
  public static final class PermissionDenied extends FsException {
    private static final long serialVersionUID = 1L;

    /** Access to {@code path} was refused. */
    public PermissionDenied(String path, IOException cause) {
      super("permission denied", path, cause);
    }

    PermissionDenied(String path, String detail, IOException cause) {
      super("permission denied", path, detail, cause);
    }
  }

  /** The path, or a component of it, is not a directory where one is needed. */
  public static final class NotADirectory extends FsException {
    private static final long serialVersionUID = 1L;

    /** {@code path} is not a directory. */
    public NotADirectory(String path, IOException cause) {
      super("not a directory", path, cause);
    }

    NotADirectory(String path, String detail, IOException cause) {
      super("not a directory", path, detail, cause);
    }
  }

  /** A directory to remove with {@code rmdir} still has entries. */
  public static final class NotEmpty extends FsException {
    private static final long serialVersionUID = 1L;

    /** The directory {@code path} is not empty. */
    public NotEmpty(String path, IOException cause) {
      super("directory not empty", path, cause);
    }

    NotEmpty(String path, String detail, IOException cause) {
      super("directory not empty", path, detail, cause);
    }
  }

  /**
   * The path would leave its confined directory: it is absolute, climbs out with {@code ..}, or
   * goes through a symbolic link pointing outside. Nothing was done.
   */
  public static final class EscapeAttempt extends FsException {
    private static final long serialVersionUID = 1L;

    /** {@code path} leaves its directory, for the reason {@code why}. */
    public EscapeAttempt(String path, String why) {
      super("path escapes its directory (" + why + ")", path, new IOException(why));
    }
  }
}
