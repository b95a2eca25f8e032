package dev.eio;

import dev.eio.internal.engine.Engine;
import dev.eio.internal.engine.Group;
import java.util.concurrent.Callable;

/**
 * The default engine: a combinator is a switch whose body runs the first task itself (as Eio
 * does) and forks the others.
 */
final class SwitchEngine implements Engine {
  static final SwitchEngine INSTANCE = new SwitchEngine();

  @Override
  public String name() {
    return "switch";
  }

  @Override
  public Group.Outcome run(String label, Callable<?>[] tasks, boolean race) {
    return Switch.call(
            label,
            sw -> {
              Group g = Group.open(sw.context(), sw.failures(), tasks, race);
              for (int i = 1; i < tasks.length; i++) {
                int k = i;
                sw.fork(() -> g.runTask(k));
              }
              g.runTask(0);
              return g;
            })
        .outcome();
  }
}
