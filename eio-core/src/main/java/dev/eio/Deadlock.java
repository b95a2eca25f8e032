package dev.eio;

import java.util.List;

/**
 * Thrown by {@link VirtualClock#run} when every fiber of the run is blocked and no virtual sleep
 * can ever wake one of them: the program would hang forever. The message names each blocked
 * fiber and where it waits.
 *
 * <pre>{@code
 * VirtualClock.run(env -> Promise.create().await());
 * // dev.eio.Deadlock: deadlock: every fiber is blocked and no virtual sleep can wake them:
 * //   fiber "virtual-clock/1" waiting on Promise[pending] in dev.eio.Promise.await(...), ...
 * }</pre>
 */
public final class Deadlock extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final List<String> blocked;

  Deadlock(List<String> blocked) {
    super(
        "deadlock: every fiber is blocked and no virtual sleep can wake them:\n  "
            + String.join("\n  ", blocked));
    this.blocked = List.copyOf(blocked);
  }

  /** One line per blocked fiber: its name ({@code <switch>/<n>}) and where it waits. */
  public List<String> blockedFibers() {
    return blocked;
  }
}
