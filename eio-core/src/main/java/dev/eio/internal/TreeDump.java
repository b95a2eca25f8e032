package dev.eio.internal;

import java.util.Comparator;
import java.util.List;

/**
 * Renders the live structure (runs, switches, cancellation regions, fibers) as an indented text
 * tree, for {@code Eio.dump()} and {@code Switch.dump()}.
 *
 * <p>Format, one node per line, two spaces per level:
 *
 * <pre>
 * root main
 *   switch main (open, 1.2s)
 *     fiber main/1: blocked in dev.eio.Promise.await (0.8s)
 *     fiber worker-7: running, cancelling (0.3s)
 * </pre>
 *
 * A fiber's state is {@code running}, or {@code blocked in <class.method>, called from <frame>}
 * (the eio operation it is in, or the JDK call when it blocks in the JDK directly, and the user's
 * frame that called it), with {@code , cancelling} when its context is cancelled.
 * The structure changes while it is read: the dump is a snapshot of each node as it is visited.
 */
public final class TreeDump {
  private TreeDump() {}

  /** Every run in progress. */
  public static String all() {
    StringBuilder sb = new StringBuilder();
    CancelContext.ROOTS.stream()
        .sorted(Comparator.comparing(CancelContext::describe))
        .forEach(r -> node(sb, r, 0));
    return sb.toString();
  }

  /** The subtree of {@code ctx}. */
  public static String of(CancelContext ctx) {
    StringBuilder sb = new StringBuilder();
    node(sb, ctx, 0);
    return sb.toString();
  }

  private static void node(StringBuilder sb, CancelContext ctx, int depth) {
    indent(sb, depth).append(ctx.describe());
    if (ctx.isCancelled()) {
      sb.append(" [cancelled]");
    }
    sb.append('\n');
    long now = System.nanoTime();
    List<FiberState> fibers = ctx.fibers();
    fibers.sort(Comparator.comparingLong((FiberState f) -> f.ageNanos(now)).reversed());
    for (FiberState f : fibers) {
      indent(sb, depth + 1)
          .append("fiber ")
          .append(f.name())
          .append(": ")
          .append(state(f))
          .append(" (")
          .append(age(f.ageNanos(now)))
          .append(")\n");
    }
    for (CancelContext c : ctx.children()) {
      node(sb, c, depth + 1);
    }
  }

  private static String state(FiberState f) {
    Thread t = f.thread();
    String s =
        switch (t.getState()) {
          case RUNNABLE, NEW -> "running";
          case TERMINATED -> "ended";
          default -> "blocked in " + blockedOn(t);
        };
    return f.ctx().isCancelled() ? s + ", cancelling" : s;
  }

  private static String blockedOn(Thread t) {
    return UserFrames.describe(t.getStackTrace());
  }

  /** An age for humans: milliseconds below a second, then seconds with one decimal. */
  public static String age(long nanos) {
    if (nanos < 1_000_000_000L) {
      return Math.max(0, nanos / 1_000_000) + "ms";
    }
    return String.format("%.1fs", nanos / 1e9);
  }

  private static StringBuilder indent(StringBuilder sb, int depth) {
    return sb.repeat("  ", depth);
  }
}
