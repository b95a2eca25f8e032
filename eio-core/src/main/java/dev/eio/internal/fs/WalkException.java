package dev.eio.internal.fs;

import java.io.IOException;

/**
 * Why a confined walk stopped: the kind (which {@code FsException} it becomes) and a detail that
 * names the component where it stopped and the reason, such as {@code at "a/b": no such file or
 * directory}.
 */
public final class WalkException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms of {@code FsException}'s kinds. */
  public enum Kind {
    /** A component does not exist. */
    NOT_FOUND,
    /** A component that must be a directory is not one. */
    NOT_A_DIRECTORY,
    /** The operating system refused to look a component up. */
    PERMISSION_DENIED,
    /** The path leaves the directory. */
    ESCAPE,
    /** Anything else (too many links, a component that keeps changing, an unknown errno). */
    OTHER
  }

  private final Kind kind;

  WalkException(Kind kind, String detail) {
    super(detail);
    this.kind = kind;
  }

  WalkException(Kind kind, String detail, IOException cause) {
    super(detail, cause);
    this.kind = kind;
  }

  /** Which kind of failure this is. */
  public Kind kind() {
    return kind;
  }
}
