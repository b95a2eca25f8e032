package dev.eio.workers;

import dev.eio.Eio;
import dev.eio.Switch;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * A parent JVM for {@link HostileWorkerTest}, started with a small heap: its worker prints {@code
 * args[0]} MiB on stderr without a newline, then one more line; the parent prints the task's
 * value on stdout.
 */
public final class FloodingParentMain {
  private FloodingParentMain() {}

  public static void main(String[] args) {
    int mib = Integer.parseInt(args[0]);
    Eio.run(
        env ->
            Switch.run(
                sw -> {
                  String value =
                      Workers.of(env)
                          .withName("flooder")
                          .run(
                              sw,
                              () -> {
                                byte[] chunk = new byte[1 << 20];
                                Arrays.fill(chunk, (byte) 'x');
                                PrintStream err = System.err;
                                for (int i = 0; i < mib; i++) {
                                  err.write(chunk, 0, chunk.length);
                                }
                                err.print("\nafter-the-flood\n");
                                err.flush();
                                return "done";
                              });
                  System.out.println("result " + value);
                }));
  }
}
