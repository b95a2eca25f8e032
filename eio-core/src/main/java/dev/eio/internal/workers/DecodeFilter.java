package dev.eio.internal.workers;

import dev.eio.internal.Interrupts;
import dev.eio.workers.CodecException;
import dev.eio.workers.DecodeLimits;
import java.io.ObjectInputFilter;
import java.util.function.Predicate;

/**
 * The per-stream filter of a bounded decode: checks cancellation, then the {@link DecodeLimits},
 * then the allow-list, before each class, object, array and back reference is read. A refusal is
 * thrown as {@link CodecException} saying which limit or class (the stream wraps it in an {@code
 * InvalidClassException} whose cause it is); a cancelled fiber or interrupted thread gets {@link
 * dev.eio.Cancelled} the same way.
 */
public final class DecodeFilter implements ObjectInputFilter {
  /**
   * Bytes the stream may have read ahead of the element being decoded: a block of custom data (at
   * most 1024 bytes) and its header. An array claim is compared with what is left plus this.
   */
  private static final long READ_AHEAD = 2048;

  private final Predicate<Class<?>> allowed;
  private final DecodeLimits limits;
  private final long streamLength;

  /**
   * @param allowed the classes to accept (arrays are passed as their element class)
   * @param streamLength the bytes the stream holds, or -1 when unknown
   */
  public DecodeFilter(Predicate<Class<?>> allowed, DecodeLimits limits, long streamLength) {
    this.allowed = allowed;
    this.limits = limits;
    this.streamLength = streamLength;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    // Called before every object: the one place a long decode can notice a cancellation.
    Interrupts.check();
    if (info.streamBytes() > limits.maxBytes()) {
      throw over("the value is over " + info.streamBytes() + " bytes", "maxBytes", limits.maxBytes());
    }
    if (info.depth() > limits.maxDepth()) {
      throw over("objects nest to depth " + info.depth(), "maxDepth", limits.maxDepth());
    }
    if (info.references() > limits.maxReferences()) {
      throw over(
          "the value holds over " + info.references() + " objects and references",
          "maxReferences",
          limits.maxReferences());
    }
    Class<?> c = info.serialClass();
    long length = info.arrayLength();
    if (length >= 0) {
      String what = "an array of " + length + " " + elementName(c) + " elements";
      if (length > limits.maxArrayLength()) {
        throw over(what, "maxArrayLength", limits.maxArrayLength());
      }
      if (streamLength >= 0) {
        long left = streamLength - info.streamBytes();
        long needs = length * minBytesPerElement(c);
        if (needs > left + READ_AHEAD) {
          throw new CodecException(
              "cannot decode: "
                  + what
                  + " needs at least "
                  + needs
                  + " more bytes, the encoding has "
                  + Math.max(0, left)
                  + " left: a forged length",
              null);
        }
      }
    }
    if (c == null) {
      return Status.UNDECIDED; // a back reference: only the limits above apply
    }
    Class<?> element = c;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    if (allowed.test(c)) {
      return Status.ALLOWED;
    }
    String name = c.getTypeName();
    throw new CodecException(
        "class "
            + name
            + " is not on the codec's allow-list; register it with"
            + " SerializationCodec.defaults().allowing("
            + element.getTypeName()
            + ".class) if it is safe to accept",
        name,
        null);
  }

  private static CodecException over(String what, String limit, long value) {
    return new CodecException(
        "cannot decode: "
            + what
            + ", over the codec's "
            + limit
            + " of "
            + value
            + " (DecodeLimits.with"
            + Character.toUpperCase(limit.charAt(0))
            + limit.substring(1)
            + " raises it)",
        null);
  }

  private static String elementName(Class<?> arrayClass) {
    return arrayClass == null || !arrayClass.isArray()
        ? "?"
        : arrayClass.getComponentType().getTypeName();
  }

  /** The fewest bytes one element takes in the encoding: its size, or one (a null) for objects. */
  private static long minBytesPerElement(Class<?> arrayClass) {
    Class<?> e = arrayClass == null || !arrayClass.isArray() ? Object.class : arrayClass.getComponentType();
    if (e == long.class || e == double.class) {
      return 8;
    }
    if (e == int.class || e == float.class) {
      return 4;
    }
    if (e == short.class || e == char.class) {
      return 2;
    }
    return 1;
  }
}
