package dev.eio.internal;

import dev.eio.workers.SerializableCallable;

/**
 * A task that library code sends to a worker on behalf of user code (a range of a {@code
 * Parallel} operation): its reply holds the user's values, so the parent accepts the classes of
 * {@code owner}'s nest in it rather than those of the library's own lambda.
 *
 * @param body what runs in the worker
 * @param owner the user's function, whose nest's classes the reply may hold
 */
public record OwnedTask<T>(SerializableCallable<T> body, Object owner)
    implements SerializableCallable<T> {
  @Override
  public T call() throws Exception {
    return body.call();
  }
}
