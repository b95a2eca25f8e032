package dev.eio.process;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to start a child process: working directory, environment and standard streams. Immutable:
 * each {@code with}-style method returns a new options value.
 *
 * <p>By default the child runs in this JVM's working directory, with this JVM's environment, and
 * inherits its three standard streams. {@link #environment(Map)} replaces the environment, {@link
 * #env(String, String)} adds to (or overrides one variable of) whatever it is at that point.
 *
 * <pre>{@code
 * SpawnOptions opts = SpawnOptions.defaults()
 *     .directory(Path.of("/tmp"))
 *     .env("LC_ALL", "C")
 *     .stdout(Stdio.pipe());
 * }</pre>
 */
public final class SpawnOptions {
  private static final SpawnOptions DEFAULTS =
      new SpawnOptions(null, null, Map.of(), Stdio.inherit(), Stdio.inherit(), Stdio.inherit());

  private final Path directory;
  private final Map<String, String> environment; // null: the JVM's, plus the additions
  private final Map<String, String> additions;
  private final Stdio stdin;
  private final Stdio stdout;
  private final Stdio stderr;

  private SpawnOptions(
      Path directory,
      Map<String, String> environment,
      Map<String, String> additions,
      Stdio stdin,
      Stdio stdout,
      Stdio stderr) {
    this.directory = directory;
    this.environment = environment;
    this.additions = additions;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** This JVM's working directory and environment; the three streams inherited. */
  public static SpawnOptions defaults() {
    return DEFAULTS;
  }

  /** The same options with the child's working directory set to {@code dir}. */
  public SpawnOptions directory(Path dir) {
    if (dir == null) {
      throw new NullPointerException("dir");
    }
    return new SpawnOptions(dir, environment, additions, stdin, stdout, stderr);
  }

  /**
   * The same options with the child's working directory set to the directory {@code dir} is a
   * capability on. The child itself is not confined to it: it is an operating system process.
   */
  public SpawnOptions directory(dev.eio.fs.Dir dir) {
    if (dir == null) {
      throw new NullPointerException("dir");
    }
    return directory(dir.nativePath("."));
  }

  /** The same options with the child's whole environment replaced by a copy of {@code env}. */
  public SpawnOptions environment(Map<String, String> env) {
    if (env == null) {
      throw new NullPointerException("env");
    }
    env.forEach(SpawnOptions::checkVariable);
    return new SpawnOptions(directory, Map.copyOf(env), Map.of(), stdin, stdout, stderr);
  }

  /** The same options with one environment variable set (added to the environment so far). */
  public SpawnOptions env(String name, String value) {
    checkVariable(name, value);
    Map<String, String> more = new LinkedHashMap<>(additions);
    more.put(name, value);
    return new SpawnOptions(directory, environment, Map.copyOf(more), stdin, stdout, stderr);
  }

  private static void checkVariable(String name, String value) {
    if (name == null || value == null) {
      throw new NullPointerException("environment variable name and value must be non-null");
    }
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "environment variable name must be non-empty without '=' or NUL, got \"" + name + "\"");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "environment variable " + name + " must not contain NUL in its value");
    }
  }

  /**
   * The same options with standard input set to {@code s}.
   *
   * @throws IllegalArgumentException when {@code s} is {@link Stdio#to}, an output destination
   */
  public SpawnOptions stdin(Stdio s) {
    if (s == null) {
      throw new NullPointerException("stdin");
    }
    if (s instanceof Stdio.To) {
      throw new IllegalArgumentException("stdin must be inherit, discard, pipe or from(Source), got " + s);
    }
    return new SpawnOptions(directory, environment, additions, s, stdout, stderr);
  }

  /**
   * The same options with standard output set to {@code s}.
   *
   * @throws IllegalArgumentException when {@code s} is {@link Stdio#from}, an input source
   */
  public SpawnOptions stdout(Stdio s) {
    return new SpawnOptions(directory, environment, additions, stdin, output("stdout", s), stderr);
  }

  /**
   * The same options with standard error set to {@code s}.
   *
   * @throws IllegalArgumentException when {@code s} is {@link Stdio#from}, an input source
   */
  public SpawnOptions stderr(Stdio s) {
    return new SpawnOptions(directory, environment, additions, stdin, stdout, output("stderr", s));
  }

  private static Stdio output(String which, Stdio s) {
    if (s == null) {
      throw new NullPointerException(which);
    }
    if (s instanceof Stdio.From) {
      throw new IllegalArgumentException(
          which + " must be inherit, discard, pipe or to(Sink), got " + s);
    }
    return s;
  }

  /** The working directory, when set. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * The environment the child will get: the replacement or this JVM's, plus the variables set
   * with {@link #env(String, String)}.
   */
  public Map<String, String> effectiveEnvironment() {
    Map<String, String> out = new LinkedHashMap<>(environment != null ? environment : System.getenv());
    out.putAll(additions);
    return out;
  }

  boolean environmentChanged() {
    return environment != null || !additions.isEmpty();
  }

  /** Standard input. */
  public Stdio stdin() {
    return stdin;
  }

  /** Standard output. */
  public Stdio stdout() {
    return stdout;
  }

  /** Standard error. */
  public Stdio stderr() {
    return stderr;
  }

  @Override
  public String toString() {
    return "SpawnOptions[dir="
        + directory
        + ", env="
        + (environment == null ? "inherited" : "replaced")
        + (additions.isEmpty() ? "" : " + " + additions.keySet())
        + ", stdin="
        + stdin
        + ", stdout="
        + stdout
        + ", stderr="
        + stderr
        + "]";
  }
}
