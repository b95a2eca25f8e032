package dev.eio.fs;

import java.time.Instant;

/**
 * What {@link Dir#stat} reports about a path: its kind, size, permission bits and modification
 * time.
 *
 * <pre>{@code
 * FileStat st = dir.stat("data.bin");
 * if (st.kind() == FileStat.Kind.FILE) System.out.println(st.size() + " bytes");
 * }</pre>
 *
 * @param kind what the path is
 * @param size the size in bytes
 * @param permissions the POSIX permission bits ({@code 0644}), or {@code -1} when the file system
 *     has none
 * @param modified the last modification time
 */
public record FileStat(Kind kind, long size, int permissions, Instant modified) {
  /** The kinds of directory entries. */
  public enum Kind {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link (only when the link itself is examined). */
    SYMLINK,
    /** A device, pipe, socket or anything else. */
    OTHER
  }
}
