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
 * refused class; it stays within its {@link #limits()} and throws {@link CodecException}, never an
 * {@link Error}, for bytes over them or bytes that exhaust memory or stack; it throws {@link
 * dev.eio.Cancelled} when the calling fiber is cancelled while it decodes. The worker transport
 * refuses a frame longer than {@code limits().maxBytes()} (plus room for an exception's text)
 * before reading it, and the worker turns a reply over {@code maxBytes} into a {@link
 * CodecException} for the caller. The parent decodes what workers send with the task's own classes as {@code
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
   *     it), are over the {@link #limits()} (the message names the limit), are not a valid
   *     encoding, or their decoding raised an {@link Error}
   * @throws dev.eio.Cancelled when the calling fiber is cancelled during the decode
   */
  Object decode(byte[] bytes, Predicate<Class<?>> alsoAllowed);

  /**
   * The bounds of one decode; the worker transport also sizes its frames by {@code maxBytes}. The
   * default is {@link DecodeLimits#defaults()}: an implementation that decodes larger values must
   * say so here.
   */
  default DecodeLimits limits() {
    return DecodeLimits.defaults();
  }
}
