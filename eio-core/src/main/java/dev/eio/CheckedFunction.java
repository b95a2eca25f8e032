package dev.eio;

/**
 * A function that may throw a checked exception, for the combinators ({@link Fiber#map}) and the
 * parallel operations: the exception fails the operation like any other failure, wrapped once in
 * {@link WrappedCheckedException}; one caused by an interrupt, in a cancelled fiber, counts as
 * that cancellation.
 *
 * <pre>{@code
 * List<String> pages = Fiber.map(urls, 8, url -> http.send(get(url), ofString()).body());
 * }</pre>
 */
@FunctionalInterface
public interface CheckedFunction<A, B> {
  /** Applies the function to {@code a}. */
  B apply(A a) throws Exception;
}
