package dev.eio.internal;

/**
 * Observes the fibers of one run: told when each starts and ends, on the fiber's own thread. A
 * run's root fiber installs it ({@link FiberState#setMonitor}) and every fiber forked below
 * inherits it. Used by test clocks to know which fibers exist (to tell when all are blocked).
 */
public interface FiberMonitor {
  /**
   * {@code thread} is about to be started as a fiber of this run (called on the forking thread,
   * before {@link Thread#start}), so a monitor never sees the parent blocked while the child is
   * not yet known.
   */
  default void starting(Thread thread) {}

  /** {@code f} started (called on its thread, before its task). */
  void started(FiberState f);

  /** {@code f} ended (called on its thread, after its task). */
  void ended(FiberState f);
}
