package dev.eio;

/**
 * A test that may throw a checked exception, for {@link Fiber#filter}; see {@link
 * CheckedFunction}.
 *
 * <pre>{@code
 * List<Path> big = Fiber.filter(paths, 4, p -> Files.size(p) > 1 << 20);
 * }</pre>
 */
@FunctionalInterface
public interface CheckedPredicate<A> {
  /** Whether {@code a} is kept. */
  boolean test(A a) throws Exception;
}
