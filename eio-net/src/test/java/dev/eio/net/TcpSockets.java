package dev.eio.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The TCP sockets this process holds open, for the descriptor-leak checks (Linux only).
 *
 * <p>Only TCP sockets, not every descriptor: the JDK opens descriptors of its own lazily and keeps
 * them, so a plain count depends on which test ran first and on the machine. Its socket pollers
 * (an epoll descriptor each; on JDK 25 two plus the core count rounded down to a power of two:
 * four on two cores, ten on eight) appear the first time a virtual thread has to park on a
 * socket, which a warm-up connection may never do (its peer's bytes are often already there);
 * its pre-close socket appears with the first socket channel; jar files appear with the first
 * class loaded from them. A leaked connection or listener is a TCP socket and shows up here by
 * its inode.
 */
final class TcpSockets {
  private TcpSockets() {}

  /** The TCP sockets open in this process, each as its descriptor's target ({@code socket:[inode]}). */
  static Set<String> open() {
    File[] fds = new File("/proc/self/fd").listFiles();
    assertNotNull(fds, "/proc/self/fd is not readable: the descriptor checks need Linux");
    Set<String> tcpInodes = tcpInodes();
    Set<String> open = new TreeSet<>();
    for (File fd : fds) {
      String target;
      try {
        target = Files.readSymbolicLink(fd.toPath()).toString();
      } catch (NoSuchFileException closedMeanwhile) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (target.startsWith("socket:[")
          && tcpInodes.contains(target.substring("socket:[".length(), target.length() - 1))) {
        open.add(target);
      }
    }
    return open;
  }

  /** Fails, naming them, when TCP sockets are open that were not open in {@code before}. */
  static void assertNoneOpenedSince(Set<String> before) {
    Set<String> opened = new TreeSet<>(open());
    opened.removeAll(before);
    assertTrue(opened.isEmpty(), opened.size() + " TCP sockets are still open: " + opened);
  }

  /** The inodes of the TCP sockets of this network namespace, from the kernel's tables. */
  private static Set<String> tcpInodes() {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue; // no IPv6 on this machine
      }
      try (Stream<String> lines = Files.lines(p)) {
        // After the header: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...".
        lines.skip(1).map(l -> l.trim().split("\\s+")[9]).filter(i -> !i.equals("0")).forEach(inodes::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return inodes;
  }
}
