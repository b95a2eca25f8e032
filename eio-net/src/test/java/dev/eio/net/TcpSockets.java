package dev.eio.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /**
   * The TCP sockets open in this process: each descriptor's target ({@code socket:[inode]}) with
   * what the kernel says of it (addresses and state), for failure messages.
   */
  static Map<String, String> open() {
    File[] fds = new File("/proc/self/fd").listFiles();
    assertNotNull(fds, "/proc/self/fd is not readable: the descriptor checks need Linux");
    Map<String, String> tcp = tcpTable();
    Map<String, String> open = new TreeMap<>();
    for (File fd : fds) {
      String target;
      try {
        target = Files.readSymbolicLink(fd.toPath()).toString();
      } catch (NoSuchFileException closedMeanwhile) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (target.startsWith("socket:[")) {
        String what = tcp.get(target.substring("socket:[".length(), target.length() - 1));
        if (what != null) {
          open.put(target, what);
        }
      }
    }
    return open;
  }

  /** Fails, naming them, when TCP sockets are open that were not open in {@code before}. */
  static void assertNoneOpenedSince(Map<String, String> before) {
    Map<String, String> opened = new TreeMap<>(open());
    opened.keySet().removeAll(before.keySet());
    assertTrue(opened.isEmpty(), opened.size() + " TCP sockets are still open: " + opened);
  }

  /**
   * The TCP sockets of this network namespace, from the kernel's tables: inode to "local ->
   * remote state" (addresses as the kernel writes them: hexadecimal, IPv4 in host byte order).
   */
  private static Map<String, String> tcpTable() {
    Map<String, String> sockets = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue; // no IPv6 on this machine
      }
      try (Stream<String> lines = Files.lines(p)) {
        // After the header: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...";
        // a socket in TIME_WAIT has no descriptor and inode 0.
        lines
            .skip(1)
            .map(l -> l.trim().split("\\s+"))
            .filter(f -> !f[9].equals("0"))
            .forEach(f -> sockets.put(f[9], f[1] + " -> " + f[2] + " " + state(f[3])));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sockets;
  }

  /** The name of a TCP state as numbered in the kernel's tables (include/net/tcp_states.h). */
  private static String state(String hex) {
    return switch (Integer.parseInt(hex, 16)) {
      case 1 -> "ESTABLISHED";
      case 2 -> "SYN_SENT";
      case 3 -> "SYN_RECV";
      case 4 -> "FIN_WAIT1";
      case 5 -> "FIN_WAIT2";
      case 7 -> "CLOSE";
      case 8 -> "CLOSE_WAIT";
      case 9 -> "LAST_ACK";
      case 10 -> "LISTEN";
      case 11 -> "CLOSING";
      default -> "state " + hex;
    };
  }
}
