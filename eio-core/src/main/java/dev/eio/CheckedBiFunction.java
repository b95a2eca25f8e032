package dev.eio;

/**
 * A function of two arguments that may throw a checked exception, for {@link
 * dev.eio.parallel.Parallel#fold}; see {@link CheckedFunction}.
 *
 * <pre>{@code
 * long bytes = Parallel.fold(env.domains(), paths, 0L, (sum, p) -> sum + Files.size(p), Long::sum);
 * }</pre>
 */
@FunctionalInterface
public interface CheckedBiFunction<A, B, R> {
  /** The result for {@code a} and {@code b}. */
  R apply(A a, B b) throws Exception;
}
