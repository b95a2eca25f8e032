package dev.eio;

/**
 * A piece of work that returns nothing and may throw: what {@link Switch#fork} and the
 * combinators of {@link Fiber} run. Checked exceptions it throws reach the caller wrapped once in
 * {@link WrappedCheckedException}.
 */
@FunctionalInterface
public interface Task {
  /** Runs the work. */
  void run() throws Exception;
}
