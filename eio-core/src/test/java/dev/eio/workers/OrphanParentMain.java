package dev.eio.workers;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;

/**
 * A parent JVM for {@link WorkerOrphanTest}: starts a worker, prints its pid, then waits to be
 * killed.
 */
public final class OrphanParentMain {
  private OrphanParentMain() {}

  public static void main(String[] args) {
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  WorkerPool pool = Workers.of(env).pool(sw, 1);
                  long pid = pool.submit(() -> ProcessHandle.current().pid());
                  System.out.println("worker-pid " + pid);
                  System.out.flush();
                  Fiber.awaitCancel();
                }));
  }
}
