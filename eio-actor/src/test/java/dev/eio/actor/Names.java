package dev.eio.actor;

import dev.eio.Fiber;

/** Helpers shared by the actor tests. */
final class Names {
  private Names() {}

  /** Blocks until the caller's switch is cancelled (it then throws {@link dev.eio.Cancelled}). */
  static void sleepUntilCancelled() {
    Fiber.awaitCancel();
  }
}
