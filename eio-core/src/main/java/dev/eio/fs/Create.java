package dev.eio.fs;

/**
 * Whether opening a file for writing may create it, and what happens to an existing one.
 *
 * <pre>{@code
 * dir.save("out.txt", bytes, Create.OR_TRUNCATE);  // like > in a shell
 * dir.save("lock", bytes, Create.EXCLUSIVE);       // fails with AlreadyExists if it is there
 * }</pre>
 */
public enum Create {
  /** The file must exist ({@link FsException.NotFound} otherwise); it is not truncated. */
  NEVER,
  /** Created when missing; an existing file is opened as it is, not truncated. */
  IF_MISSING,
  /** Created when missing; an existing file is truncated to zero bytes first. */
  OR_TRUNCATE,
  /** The file must not exist ({@link FsException.AlreadyExists} otherwise) and is created. */
  EXCLUSIVE
}
