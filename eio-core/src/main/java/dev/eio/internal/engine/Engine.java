package dev.eio.internal.engine;

import java.util.concurrent.Callable;

/**
 * Runs the owner-style combinators ({@code Fiber.both/all/first/any/map}): a group of tasks, each
 * in its own fiber below the caller, joined before returning.
 *
 * <p>Every engine follows the same rules: the first real failure cancels the others and is
 * rethrown as the same object (later ones suppressed, {@code Cancelled} dropped); in race mode
 * the first task to succeed cancels the others, whose cancellation is not an error.
 */
public interface Engine {
  /** A short name, shown in tests and diagnostics. */
  String name();

  /**
   * Runs {@code tasks} concurrently and waits for all of them.
   *
   * @param label names the group's fibers ({@code label/n})
   * @param race whether the first success cancels the rest
   * @return per task: its result, or {@link Group#NO_RESULT} when it did not succeed; and the
   *     order in which tasks succeeded
   */
  Group.Outcome run(String label, Callable<?>[] tasks, boolean race);
}
