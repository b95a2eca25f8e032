package dev.eio;

/**
 * An action on one item that may throw a checked exception, for {@link Fiber#forEach} and the
 * parallel operations; see {@link CheckedFunction}.
 *
 * <pre>{@code
 * Fiber.forEach(paths, 4, p -> Files.delete(p));
 * }</pre>
 */
@FunctionalInterface
public interface CheckedConsumer<A> {
  /** Consumes {@code a}. */
  void accept(A a) throws Exception;
}
