package dev.eio.examples;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Promise;
import dev.eio.Switch;
import java.time.Duration;

/**
 * A tour of switches and cancellation in one program: fibers joined by their switch, a failure
 * cancelling its sibling, release hooks, and a first-wins race.
 */
public final class HelloSwitch {
  private HelloSwitch() {}

  public static void main(String[] args) {
    Eio.run(
        env -> {
          System.out.println("1. A switch waits for its fibers:");
          Switch.run(
              "greeters",
              sw -> {
                sw.fork(() -> say("hello from " + Thread.currentThread().getName()));
                sw.fork(() -> say("world from " + Thread.currentThread().getName()));
              });

          System.out.println("2. A failure cancels the sibling, and is rethrown as is:");
          Promise<String> siblingSaw = Promise.create();
          try {
            Fiber.both(
                () -> {
                  Thread.sleep(50);
                  throw new IllegalStateException("disk full");
                },
                () -> {
                  try {
                    Thread.sleep(Duration.ofHours(1));
                  } catch (InterruptedException e) {
                    siblingSaw.resolve("cancelled after the failure");
                    throw e;
                  }
                });
          } catch (IllegalStateException e) {
            say("both failed with: " + e.getMessage() + "; sibling was " + siblingSaw.await());
          }

          System.out.println("3. Release hooks run last-in first-out, even on failure:");
          try {
            Switch.run(
                "resources",
                sw -> {
                  sw.onRelease(() -> say("closed the database"));
                  sw.onRelease(() -> say("closed the cache"));
                  throw new RuntimeException("request failed");
                });
          } catch (RuntimeException e) {
            say("switch failed with: " + e.getMessage());
          }

          System.out.println("4. First wins; the loser is cancelled:");
          String winner =
              Fiber.first(
                  () -> {
                    Thread.sleep(20);
                    return "fast mirror";
                  },
                  () -> {
                    try {
                      Thread.sleep(Duration.ofMinutes(5));
                      return "slow mirror";
                    } catch (InterruptedException e) {
                      say("slow mirror cancelled");
                      throw new Cancelled(e);
                    }
                  });
          say("winner: " + winner);
        });
  }

  private static void say(String line) {
    System.out.println("   " + line);
  }
}
