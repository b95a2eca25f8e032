package dev.eio.process;

import java.util.List;

/**
 * Command lines and arguments as they appear in error messages: cut to a few hundred characters,
 * saying how much was cut, so a failure with a huge argument list does not echo megabytes into a
 * log.
 */
final class CommandText {
  /** The most characters of a command line or argument that a message shows. */
  static final int MAX = 300;

  private CommandText() {}

  /** {@code command} as {@link List#toString} shows it, cut to {@link #MAX} characters. */
  static String of(List<String> command) {
    long total = 2; // the brackets
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < command.size(); i++) {
      String a = command.get(i);
      total += a.length() + (i > 0 ? 2 : 0);
      if (b.length() <= MAX) {
        if (i > 0) {
          b.append(", ");
        }
        b.append(a, 0, Math.min(a.length(), MAX + 1));
      }
    }
    if (total <= MAX) {
      return b.append(']').toString();
    }
    return cut(b.substring(0, MAX), total, command.size());
  }

  /** {@code s} cut to {@link #MAX} characters. */
  static String of(String s) {
    return s.length() <= MAX ? s : cut(s.substring(0, MAX), s.length(), -1);
  }

  private static String cut(String head, long total, int args) {
    return head
        + "... ("
        + (total - MAX)
        + " more characters cut"
        + (args >= 0 ? ", " + args + " arguments in all" : "")
        + ")";
  }
}
