package dev.eio.internal.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * The two libc calls the JDK does not offer, through the FFM API: {@code openat} of one name
 * relative to a directory descriptor, and {@code close}. Linux only (x86_64 and aarch64, whose
 * flag values differ); elsewhere {@link #unsupportedReason()} says why, and confined directories
 * fail closed.
 */
final class NativeFs {
  private static final int O_PATH = 010000000;
  private static final int O_CLOEXEC = 02000000;

  static final int ENOENT = 2;
  static final int EACCES = 13;
  static final int ENOTDIR = 20;
  static final int ELOOP = 40;

  private static final Charset NATIVE = nativeCharset();
  private static final String UNSUPPORTED;
  private static final int DIR_FLAGS;
  private static final MethodHandle OPENAT;
  private static final MethodHandle CLOSE;
  private static final StructLayout CALL_STATE;
  private static final VarHandle ERRNO;

  static {
    String reason = null;
    int flags = 0;
    MethodHandle openat = null;
    MethodHandle close = null;
    StructLayout state = null;
    VarHandle errno = null;
    int[] oFlags = openFlags(System.getProperty("os.name"), System.getProperty("os.arch"));
    if (oFlags == null) {
      reason =
          "confinement needs openat with O_NOFOLLOW, which eio supports on Linux x86_64 and"
              + " aarch64 only, not on "
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch");
    } else {
      flags = O_PATH | O_CLOEXEC | oFlags[0] | oFlags[1];
      try {
        Linker linker = Linker.nativeLinker();
        Linker.Option ccs = Linker.Option.captureCallState("errno");
        state = Linker.Option.captureStateLayout();
        errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        openat =
            linker.downcallHandle(
                linker.defaultLookup().findOrThrow("openat"),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT),
                ccs,
                Linker.Option.firstVariadicArg(3));
        close =
            linker.downcallHandle(
                linker.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      } catch (IllegalCallerException | UnsupportedOperationException e) {
        reason =
            "confinement needs native access for module dev.eio.core"
                + " (run java with --enable-native-access=dev.eio.core, or ALL-UNNAMED on the"
                + " class path): "
                + e.getMessage();
      } catch (RuntimeException e) {
        reason = "confinement needs libc's openat, which could not be linked: " + e;
      }
    }
    UNSUPPORTED = reason;
    DIR_FLAGS = flags;
    OPENAT = openat;
    CLOSE = close;
    CALL_STATE = state;
    ERRNO = errno;
  }

  private NativeFs() {}

  /**
   * {@code {O_DIRECTORY, O_NOFOLLOW}} on {@code os}/{@code arch}, or {@code null} where eio does
   * not know them.
   */
  static int[] openFlags(String os, String arch) {
    if (os == null || arch == null || !os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    return switch (arch) {
      case "amd64", "x86_64" -> new int[] {0200000, 0400000};
      case "aarch64", "arm64" -> new int[] {040000, 0100000};
      default -> null;
    };
  }

  /** Why confinement is impossible here, or {@code null} when it is possible. */
  static String unsupportedReason() {
    return UNSUPPORTED;
  }

  /** The charset the JDK uses for file names, so our bytes name what its paths name. */
  static Charset nativeCharset() {
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      return jnu != null ? Charset.forName(jnu) : Charset.defaultCharset();
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  static Charset charset() {
    return NATIVE;
  }

  /**
   * Opens directory {@code name} (one component, or an absolute path for a root) relative to
   * {@code dirFd} as an {@code O_PATH} descriptor, never following a symbolic link in its last
   * component: returns the descriptor, or {@code -errno}.
   */
  static int openDirAt(int dirFd, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name, NATIVE);
      MemorySegment state = arena.allocate(CALL_STATE);
      int fd = (int) OPENAT.invokeExact(state, dirFd, cName, DIR_FLAGS, 0);
      return fd >= 0 ? fd : -(int) ERRNO.get(state, 0L);
    } catch (Throwable t) {
      throw new IllegalStateException("openat failed to run", t);
    }
  }

  static void close(int fd) {
    try {
      int unused = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException("close failed to run", t);
    }
  }

  /** {@code AT_FDCWD}: relative names are taken from the working directory. */
  static final int AT_FDCWD = -100;
}
