package dev.eio.internal.cluster.core;

import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import dev.eio.workers.SerializationCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The bytes of an {@link Outcome}: a tag byte, then either a plain value ({@code null}, a boxed
 * primitive or a {@code String}, written by hand) or the codec's bytes of the whole outcome.
 *
 * <p>Why: most tasks answer a small plain value, and a Java-serialization stream costs a fresh
 * {@code ObjectOutputStream} and {@code ObjectInputStream} with their headers and class
 * descriptors on each side (B9a). The plain values name no class and run no code when read, so
 * they need no filter; still, the codec decides what a caller accepts: a caller whose codec is not
 * a {@link SerializationCodec} (whose list always holds these JDK value types) passes a plain
 * value through its own codec before accepting it.
 */
final class OutcomeBytes {
  static final byte CODEC = 0;
  private static final byte NULL = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte STRING = 4;
  private static final byte TRUE = 5;
  private static final byte FALSE = 6;
  private static final byte DOUBLE = 7;

  private OutcomeBytes() {}

  /** The hand-written bytes of a plain successful value, or null when it is not plain. */
  static byte[] plain(Object v) {
    if (v == null) {
      return new byte[] {NULL};
    }
    Class<?> c = v.getClass();
    if (c == Integer.class) {
      return ByteBuffer.allocate(5).put(INT).putInt((Integer) v).array();
    }
    if (c == Long.class) {
      return ByteBuffer.allocate(9).put(LONG).putLong((Long) v).array();
    }
    if (c == Double.class) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble((Double) v).array();
    }
    if (c == Boolean.class) {
      return new byte[] {(Boolean) v ? TRUE : FALSE};
    }
    if (c == String.class) {
      byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[s.length + 1];
      out[0] = STRING;
      System.arraycopy(s, 0, out, 1, s.length);
      return out;
    }
    return null;
  }

  /** {@code codecBytes} behind the tag that says they are the codec's. */
  static byte[] tagged(byte[] codecBytes) {
    byte[] out = new byte[codecBytes.length + 1];
    out[0] = CODEC;
    System.arraycopy(codecBytes, 0, out, 1, codecBytes.length);
    return out;
  }

  /** The outcome in {@code bytes}; the codec reads all but a plain value, with {@code allowed}. */
  static Outcome read(byte[] bytes, Codec codec, Predicate<Class<?>> allowed) {
    if (bytes == null || bytes.length == 0) {
      throw new CodecException("cannot decode an outcome: no bytes", null);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    Object v;
    try {
      v =
          switch (bytes[0]) {
            case CODEC -> {
              byte[] rest = new byte[bytes.length - 1];
              b.get(rest);
              yield codec.decode(rest, allowed);
            }
            case NULL -> {
              whole(b, 0);
              yield null;
            }
            case INT -> whole(b, 4).getInt();
            case LONG -> whole(b, 8).getLong();
            case DOUBLE -> whole(b, 8).getDouble();
            case TRUE -> {
              whole(b, 0);
              yield Boolean.TRUE;
            }
            case FALSE -> {
              whole(b, 0);
              yield Boolean.FALSE;
            }
            case STRING -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
            default -> throw new CodecException("cannot decode an outcome: unknown tag " + bytes[0], null);
          };
    } catch (java.nio.BufferUnderflowException e) {
      throw new CodecException("cannot decode an outcome: " + bytes.length + " bytes is too short", e);
    }
    if (bytes[0] == CODEC) {
      if (!(v instanceof Outcome o)) {
        throw new CodecException(
            "cannot decode an outcome: got " + (v == null ? "null" : v.getClass().getName()), null);
      }
      return o;
    }
    if (v != null && !(codec instanceof SerializationCodec)) {
      // Only the codec says what this caller accepts: let it read the value once more.
      v = codec.decode(codec.encode(v), allowed);
    }
    return Outcome.ok(v);
  }

  private static ByteBuffer whole(ByteBuffer b, int n) {
    if (b.remaining() != n) {
      throw new CodecException(
          "cannot decode an outcome: expected " + n + " value bytes, got " + b.remaining(), null);
    }
    return b;
  }
}
