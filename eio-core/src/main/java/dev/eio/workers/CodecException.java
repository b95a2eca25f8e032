package dev.eio.workers;

import java.util.Optional;

/**
 * A value could not cross between a parent and a worker: it was not encodable, or its bytes hold
 * a class the {@link Codec} refuses. {@link #refusedClass()} names the refused class when there is
 * one.
 *
 * <p>Register a refused class with {@link SerializationCodec#allowing} when it is safe to accept.
 */
public final class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String refusedClass;

  /** A failure with no particular class at fault. */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
    this.refusedClass = null;
  }

  /** The codec refused {@code refusedClass}. */
  public CodecException(String message, String refusedClass, Throwable cause) {
    super(message, cause);
    this.refusedClass = refusedClass;
  }

  /** The name of the class the allow-list refused, if that is what went wrong. */
  public Optional<String> refusedClass() {
    return Optional.ofNullable(refusedClass);
  }
}
