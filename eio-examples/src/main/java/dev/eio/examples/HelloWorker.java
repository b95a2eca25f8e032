package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Promise;
import dev.eio.Switch;
import dev.eio.workers.WorkerCrashedException;
import dev.eio.workers.WorkerPool;
import dev.eio.workers.Workers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * "Hello from another process": a task run in a worker JVM, a pool of two workers answering in
 * submission order, and a worker that calls {@code System.exit} without taking this JVM down.
 */
public final class HelloWorker {
  private HelloWorker() {}

  /** What the tour saw, for its test. */
  public record Result(long parentPid, long workerPid, List<Long> squares, String crash) {}

  public static void main(String[] args) {
    Eio.run(env -> run(env, System.out));
  }

  public static Result run(Env env, PrintStream out) {
    return Switch.call(
        sw -> {
          Workers workers = Workers.of(env);
          long parent = ProcessHandle.current().pid();
          long worker = workers.run(sw, () -> ProcessHandle.current().pid());
          out.println("hello from process " + worker + ", started by process " + parent);

          WorkerPool pool = workers.pool(sw, 2);
          List<Promise<Long>> pending = new ArrayList<>();
          for (long i = 1; i <= 6; i++) {
            long n = i;
            pending.add(pool.submitFork(sw, () -> n * n));
          }
          List<Long> squares = new ArrayList<>();
          for (Promise<Long> p : pending) {
            squares.add(p.await());
          }
          out.println("squares from the pool, in submission order: " + squares);

          String crash;
          try {
            workers.run(
                sw,
                () -> {
                  System.exit(7);
                  return null;
                });
            crash = "no crash?";
          } catch (WorkerCrashedException e) {
            crash = e.getMessage();
          }
          out.println("a worker called System.exit and this JVM lives on: " + crash);
          return new Result(parent, worker, squares, crash);
        });
  }
}
