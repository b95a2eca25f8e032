package dev.eio.parallel;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * What {@link Parallel#compute} does when a task fails: run it again, up to {@code maxAttempts}
 * attempts in all, while {@code retryIf} accepts the failure; otherwise the computation fails with
 * an {@link ItemFailedException} (earlier attempts' failures attached as suppressed).
 *
 * <pre>{@code
 * Parallel.compute(domains, worker, master, tasks, RetryPolicy.retry(3, e -> e instanceof IOException));
 * }</pre>
 *
 * @param maxAttempts the most attempts per task, at least 1
 * @param retryIf whether a failure is worth another attempt
 */
public record RetryPolicy(int maxAttempts, Predicate<? super Throwable> retryIf) {
  /**
   * Checks the policy.
   *
   * @throws IllegalArgumentException when {@code maxAttempts < 1}
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(retryIf, "retryIf");
  }

  /** The first failure of any task fails the computation. */
  public static RetryPolicy failFast() {
    return new RetryPolicy(1, e -> false);
  }

  /** Up to {@code maxAttempts} attempts per task, whatever the failure. */
  public static RetryPolicy retry(int maxAttempts) {
    return new RetryPolicy(maxAttempts, e -> true);
  }

  /** Up to {@code maxAttempts} attempts per task, for the failures {@code retryIf} accepts. */
  public static RetryPolicy retry(int maxAttempts, Predicate<? super Throwable> retryIf) {
    return new RetryPolicy(maxAttempts, retryIf);
  }
}
