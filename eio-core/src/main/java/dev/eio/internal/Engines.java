package dev.eio.internal;

/** Chooses the engine for the owner-style combinators. */
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
          Class.forName("dev.eio.internal.StsEngine").getDeclaredConstructor().newInstance();
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
    return PREVIEW != null ? PREVIEW : switchEngine;
  }
}
