package dev.eio.internal.rpc;

import dev.eio.workers.SerializableCallable;

/**
 * Runs in a new worker JVM before its first call: makes the implementation there with {@code
 * factory} and serves {@code contract} with it for the worker's life.
 */
public record Install(Class<?> contract, SerializableCallable<?> factory) implements SerializableCallable<Void> {
  private static final long serialVersionUID = 1L;

  @Override
  public Void call() throws Exception {
    Object impl = factory.call();
    if (!contract.isInstance(impl)) {
      throw new IllegalArgumentException(
          "factory: made " + (impl == null ? "null" : impl.getClass().getName()) + ", not a "
              + contract.getName());
    }
    Services.WORKER.add(Contract.of(contract), Invoker.direct(impl));
    return null;
  }
}
