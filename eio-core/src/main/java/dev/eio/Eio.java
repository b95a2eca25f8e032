package dev.eio;

import dev.eio.internal.SystemClock;
import dev.eio.internal.TreeDump;
import dev.eio.parallel.DomainManager;

/**
 * The entry point: {@link #run} gives the program its {@link Env} of capabilities and returns
 * only once every fiber started under it has ended.
 *
 * <p>The body runs in a fresh switch whose failure rules are those of {@link Switch}: the body's
 * failure, or the first failure of a fiber it started, is rethrown as the same object.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Eio.run(env -> Switch.run(sw -> {
 *     sw.fork(() -> System.out.println("hello"));
 *     sw.fork(() -> System.out.println("world"));
 *   }));
 * }
 * }</pre>
 */
public final class Eio {

  private Eio() {}

  /** The body of {@link #run}. */
  @FunctionalInterface
  public interface Action {
    /** Runs the program with its capabilities. */
    void run(Env env) throws Exception;
  }

  /** The body of {@link #call}, returning a value. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs the program with its capabilities and returns its result. */
    T call(Env env) throws Exception;
  }

  /**
   * A text tree of everything running under eio in this JVM: each run (the thread that entered
   * it), its switches and cancellation regions, and their fibers with name, state ({@code running}
   * or {@code blocked in <where>}, {@code cancelling}) and age. Callable from code and from a
   * debugger's expression evaluator. Example:
   *
   * <pre>
   * root main
   *   switch main (open, 2.1s)
   *     fiber main: running (2.1s)
   *     switch server (open, 2.0s)
   *       fiber server/1: blocked in dev.eio.Promise.await (2.0s)
   *       fiber server/2: running, cancelling (0.1s)
   * </pre>
   */
  public static String dump() {
    return TreeDump.all();
  }

  /** Runs {@code body} with the environment's capabilities. */
  public static void run(Action body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    call(
        env -> {
          body.run(env);
          return null;
        });
  }

  /** Runs {@code body} with the environment's capabilities and returns its value. */
  public static <T> T call(Body<T> body) {
    if (body == null) {
      throw new NullPointerException("body");
    }
    return Switch.call(
        "main",
        sw -> {
          Env env =
              new Env(
                  SystemClock.INSTANCE, DomainManager.create(sw, DomainManager.defaultDomains()));
          return Time.withProgramClock(env.clock(), () -> body.call(env));
        });
  }
}
