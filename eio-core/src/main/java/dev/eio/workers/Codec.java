package dev.eio.workers;

import java.io.Serializable;
import java.util.function.Predicate;

/**
 * Turns tasks, values and exceptions into bytes and back for the trip between a parent and its
 * workers. The parent sends the codec itself to each worker (by plain Java serialization), so an
 * implementation must be {@link Serializable} and behave the same in both JVMs.
 *
 * <p>Guarantees asked of an implementation: {@link #decode} refuses anything it was not told to
 * accept by throwing {@link CodecException} naming the refused class, and never runs code of a
 * refused class. The parent decodes what workers send with the task's own classes as {@code
 * alsoAllowed}; a worker decodes what its parent sends with everything allowed, since its parent
 * started it and talks to it over a private pipe.
 *
 * <pre>{@code
 * Workers workers = Workers.of(env).withCodec(SerializationCodec.defaults().allowing(Money.class));
 * }</pre>
 */
public interface Codec extends Serializable {
  /**
   * The bytes of {@code value} ({@code null} allowed).
   *
   * @throws CodecException when {@code value} or something it holds cannot be encoded
   */
  byte[] encode(Object value);

  /**
   * The value encoded in {@code bytes}.
   *
   * @param alsoAllowed classes to accept besides the codec's own allow-list
   * @throws CodecException when the bytes hold a class outside the allow-list (the message names
   *     it) or are not a valid encoding
   */
  Object decode(byte[] bytes, Predicate<Class<?>> alsoAllowed);
}
