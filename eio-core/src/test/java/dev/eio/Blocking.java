package dev.eio;

/** The ways a fiber blocks until it is cancelled, in eio and in the JDK, for the stress tests. */
final class Blocking {
  private Blocking() {}

  /** How many ways {@link #untilCancelled} knows. */
  static final int KINDS = 4;

  /**
   * Blocks the calling fiber until it is cancelled, in way {@code kind} (0 to {@link #KINDS} - 1):
   * eio's own wait, a semaphore, a queue, a sleep. Each ends by {@link Cancelled} or {@link
   * InterruptedException}, which is how the fiber sees its cancellation.
   */
  static void untilCancelled(int kind) throws InterruptedException {
    switch (kind) {
      case 0 -> Fiber.awaitCancel();
      case 1 -> new java.util.concurrent.Semaphore(0).acquire();
      case 2 -> new java.util.concurrent.LinkedBlockingQueue<>().take();
      case 3 -> Thread.sleep(Long.MAX_VALUE);
      default -> throw new IllegalArgumentException("kind " + kind + " is not in 0 to " + (KINDS - 1));
    }
  }
}
