package dev.eio.internal;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/** {@link ContextPropagation} over Micrometer's context-propagation; loaded only when present. */
final class MicrometerContextBridge implements ContextPropagation.Bridge {
  private final ContextRegistry registry = ContextRegistry.getInstance();
  private final ContextSnapshotFactory factory =
      ContextSnapshotFactory.builder().contextRegistry(registry).build();

  @Override
  public Object capture() {
    // Nothing registered (the common case without tracing or MDC): keep forks free.
    if (registry.getThreadLocalAccessors().isEmpty()) {
      return null;
    }
    return factory.captureAll();
  }

  @Override
  public AutoCloseable restore(Object snapshot) {
    return ((ContextSnapshot) snapshot).setThreadLocals();
  }
}
