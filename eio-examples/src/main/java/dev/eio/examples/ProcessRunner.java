package dev.eio.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.io.BufReader;
import dev.eio.process.ChildProcess;
import dev.eio.process.ExitStatus;
import dev.eio.process.ProcessFailedException;
import dev.eio.process.ProcessManager;
import dev.eio.process.SpawnOptions;
import dev.eio.process.Stdio;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's "Processes" example: pipe lines through {@code sort}, parse a command's output,
 * report a failing command, and leave no process behind when a switch ends early.
 */
public final class ProcessRunner {
  private ProcessRunner() {}

  /** Runs the demo with {@code env}'s process manager and returns what it found, line by line. */
  static List<String> demo(Env env) {
    ProcessManager pm = env.processes();
    List<String> report = new ArrayList<>();

    // 1. Spawn with pipes: feed sort, read its output, await its exit status.
    Switch.run(sw -> {
      ChildProcess sort = pm.spawn(sw, List.of("sort"),
          SpawnOptions.defaults().stdin(Stdio.pipe()).stdout(Stdio.pipe()));
      sw.fork(() -> {                              // write while the body reads
        sort.stdin().write("pear\napple\nfig\n".getBytes(UTF_8));
        sort.closeStdin();
      });
      List<String> sorted = new ArrayList<>();
      BufReader.of(sort.stdout()).lines().forEach(sorted::add);
      report.add("sorted: " + sorted + ", " + sort.await());
    });

    // 2. parseOut: run a command and parse its standard output with a BufReader.
    int total = pm.parseOut(r -> {
      int sum = 0;
      for (String line : r.lines()) sum += Integer.parseInt(line.trim());
      return sum;
    }, List.of("seq", "1", "10"));
    report.add("sum of seq 1 10: " + total);

    // 3. run: a non-zero exit is an exception naming the command, the status and stderr's tail.
    try {
      pm.run(List.of("sh", "-c", "echo 'disk on fire' >&2; exit 3"),
          SpawnOptions.defaults().stderr(Stdio.discard()));
    } catch (ProcessFailedException e) {
      report.add("failed: " + e.status() + ", stderr: " + e.stderrTail().strip());
    }

    // 4. The switch owns the process: leaving it kills what still runs.
    long[] pid = new long[1];
    Switch.run(sw -> pid[0] = pm.spawn(sw, List.of("sleep", "1000")).pid());
    boolean alive = ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive).orElse(false);
    report.add("sleep still running after its switch: " + alive);

    // 5. Killed by a signal is a status of its own.
    Switch.run(sw -> {
      ChildProcess p = pm.spawn(sw, List.of("sleep", "1000"));
      p.signal(15);
      ExitStatus s = p.await();
      report.add("after SIGTERM: " + s);
    });
    return report;
  }

  public static void main(String[] args) {
    Eio.run(env -> demo(env).forEach(System.out::println));
  }
}
