package dev.eio.internal.engine;

import dev.eio.internal.DomainThread;

/**
 * Chooses the engine for the owner-style combinators: fork/join inside a domain section, the
 * structured-task-scope engine when preview is on, the switch engine otherwise.
 */
public final class Engines {
  private Engines() {}

  private static final Engine PREVIEW = loadPreview();

  /**
   * The structured-task-scope engine when this JVM allows preview features and its {@code
   * StructuredTaskScope} is the one we were compiled against; {@code null} otherwise.
   */
  private static Engine loadPreview() {
    try {
      return (Engine)
          Class.forName("dev.eio.internal.engine.StsEngine").getDeclaredConstructor().newInstance();
    } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
      // No --enable-preview, or a JDK whose StructuredTaskScope changed: use the switch engine.
      return null;
    }
  }

  /**
   * The engine the calling fiber's combinators run on.
   *
   * @param switchEngine the engine to use when the preview engine is unavailable
   */
  public static Engine current(Engine switchEngine) {
    if (Thread.currentThread() instanceof DomainThread) {
      // Inside a domain section: fork/join tasks on the same pool, never virtual threads.
      return ForkJoinEngine.INSTANCE;
    }
    return PREVIEW != null ? PREVIEW : switchEngine;
  }
}
