package dev.eio.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * B2 across eio-core versions in one JVM: {@code Channel}s of several builds of eio-core (say the
 * current one and an older commit's) beside {@code ArrayBlockingQueue} or {@code
 * SynchronousQueue}, rounds interleaved, so that a suspected regression is told from a change of
 * the machine (ADR 40: separate JVMs on this shared VM differ by up to 2x).
 *
 * <p>Each version's jar is loaded, together with this module's classes, by a loader of its own
 * that looks for {@code dev.eio} classes there first, so every version runs the same {@link
 * ChannelBench} code linked against its own {@code Channel}.
 *
 * <p>Arguments: {@code label=path/to/eio-core.jar} for each version (at least one), and optionally
 * {@code shapes=1:1:16,1:1:0} (producers:consumers:capacity), {@code items=N} (400000), {@code
 * rounds=N} (9), {@code warmup=N} (3).
 */
public final class ChannelVersionsBench {
  private ChannelVersionsBench() {}

  /** Loads {@code dev.eio} classes from its own URLs first, everything else from its parent. */
  static final class VersionLoader extends URLClassLoader {
    VersionLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.eio.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            c = super.loadClass(name, false);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String shapes = "1:1:16,1:1:0";
    int items = 400_000;
    int rounds = 9;
    int warmup = 3;
    List<String> labels = new ArrayList<>();
    List<Method> entries = new ArrayList<>();
    URL bench = ChannelVersionsBench.class.getProtectionDomain().getCodeSource().getLocation();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
      }
      switch (kv[0]) {
        case "shapes" -> shapes = kv[1];
        case "items" -> items = Integer.parseInt(kv[1]);
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        default -> {
          Path jar = Path.of(kv[1]);
          if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("version " + kv[0] + ": no jar at " + jar);
          }
          ClassLoader l =
              new VersionLoader(
                  new URL[] {bench, jar.toUri().toURL()},
                  ChannelVersionsBench.class.getClassLoader());
          labels.add(kv[0]);
          entries.add(
              l.loadClass(ChannelBench.class.getName())
                  .getMethod("eioRound", int.class, int.class, int.class, int.class));
        }
      }
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("give at least one version: label=path/to/eio-core.jar");
    }
    System.out.printf(
        Locale.ROOT,
        "B2 across versions: %d items/round, median of %d rounds after %d warm-up; JDK %s, %d cpus%n",
        items, rounds, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
    for (String shape : shapes.split(",")) {
      String[] p = shape.split(":");
      if (p.length != 3) {
        throw new IllegalArgumentException("shape is producers:consumers:capacity, got " + shape);
      }
      int producers = Integer.parseInt(p[0]);
      int consumers = Integer.parseInt(p[1]);
      int cap = Integer.parseInt(p[2]);
      List<ChannelBench.Impl> impls = new ArrayList<>();
      impls.add(
          cap == 0
              ? new ChannelBench.Impl("SynchronousQueue", ChannelBench::sync)
              : new ChannelBench.Impl("ArrayBlockingQueue", ChannelBench::abq));
      impls.addAll(labels.stream().map(l -> new ChannelBench.Impl("eio " + l, null)).toList());
      int n = items;
      ChannelBench.Spread[] ns =
          ChannelBench.measure(
              impls,
              impl -> {
                int k = impls.indexOf(impl);
                if (k == 0) {
                  return ChannelBench.run(impl.make().apply(cap), producers, consumers, n);
                }
                return (double) entries.get(k - 1).invoke(null, producers, consumers, cap, n);
              },
              warmup,
              rounds);
      for (int k = 0; k < impls.size(); k++) {
        System.out.printf(
            Locale.ROOT,
            "%dP/%dC %-5d %-22s %8.1f ns/item (%5.0f to %5.0f)  baseline/this %.2fx%n",
            producers, consumers, cap, impls.get(k).name(), ns[k].median(), ns[k].min(),
            ns[k].max(), ns[0].median() / ns[k].median());
      }
    }
  }
}
