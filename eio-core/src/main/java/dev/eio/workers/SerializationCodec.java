package dev.eio.workers;

import dev.eio.Cancelled;
import dev.eio.internal.Interrupts;
import dev.eio.internal.workers.BoundedInput;
import dev.eio.internal.workers.DecodeFilter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The default {@link Codec}: Java serialization behind an {@link ObjectInputFilter} allow-list.
 * Decoding accepts JDK value types, exceptions, the classes registered with {@link #allowing} and
 * the classes the caller adds (for a task's reply: the task's own classes); anything else is
 * refused with a {@link CodecException} naming the class, before any of its code runs.
 *
 * <p>The JDK value types are: primitives and their boxes, {@code String}, {@code BigInteger},
 * {@code BigDecimal}, the {@code java.util} collections ({@code ArrayList}, {@code HashMap}, {@code
 * List.of}, {@code Collections.unmodifiable*}, ...), {@code UUID}, {@code java.time} values,
 * enums and records whose class is allowed, and arrays of allowed types. Exceptions: every {@code
 * Throwable} subclass and {@code StackTraceElement} (their fields are still checked one by one).
 *
 * <p><b>Limits.</b> Every decode is bounded by {@link #limits()} ({@link DecodeLimits#defaults()}
 * unless set with {@link #withLimits}): the encoded size, the length of each array (and of the
 * arrays collections allocate while decoding, checked before allocating), the nesting depth and
 * the number of objects. A value over a limit is refused with a {@link CodecException} naming the
 * limit; so is a value whose decoding throws an {@link Error} ({@code OutOfMemoryError}, {@code
 * StackOverflowError}). Encoding refuses a value over {@code maxBytes} the same way.
 *
 * <p><b>Cancellation.</b> Decoding is a cancellation point: it checks the calling fiber (or the
 * thread's interrupt) before each object, and throws {@link Cancelled} rather than {@link
 * CodecException} when the fiber is cancelled, so a {@link dev.eio.Time#withTimeout} around a call
 * stops a long decode. Work done between two objects by a class's own {@code readObject} (hashing
 * the members of a set) cannot be interrupted; it is bounded by {@link
 * DecodeLimits#maxUnfolded()}, which {@code decode} checks as each collection is completed.
 *
 * <p>{@link #inputFilter} gives the same allow-list, limits and cancellation checks as an {@link
 * ObjectInputFilter} for other Java deserialization (eio-cluster applies it to Hazelcast's).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * Codec codec = SerializationCodec.defaults().allowing(Order.class, Customer.class);
 * Workers workers = Workers.of(env).withCodec(codec);
 * }</pre>
 */
public final class SerializationCodec implements Codec {
  private static final long serialVersionUID = 1L;

  private static final Set<String> JDK_VALUES =
      Set.of(
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.String",
          "java.lang.Number",
          "java.lang.Enum",
          "java.lang.Record",
          "java.lang.StackTraceElement",
          "java.math.BigInteger",
          "java.math.BigDecimal",
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.ArrayDeque",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.EnumMap",
          "java.util.UUID",
          "java.util.Map$Entry", // an interface: HashMap checks its table array with it
          "java.util.CollSer",
          "java.util.Arrays$ArrayList",
          "java.util.AbstractMap$SimpleEntry",
          "java.util.AbstractMap$SimpleImmutableEntry");

  private static final SerializationCodec DEFAULTS =
      new SerializationCodec(Set.of(), DecodeLimits.defaults());

  private final Set<String> registered;
  private final DecodeLimits limits;

  private SerializationCodec(Set<String> registered, DecodeLimits limits) {
    this.registered = registered;
    this.limits = limits;
  }

  /** The codec with the JDK value types and exceptions only. */
  public static SerializationCodec defaults() {
    return DEFAULTS;
  }

  /** This codec, also accepting {@code classes} (and arrays of them). */
  public SerializationCodec allowing(Class<?>... classes) {
    if (classes == null) {
      throw new NullPointerException("classes");
    }
    Set<String> names = new LinkedHashSet<>(registered);
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] == null) {
        throw new NullPointerException("classes[" + i + "]");
      }
      names.add(classes[i].getName());
    }
    return new SerializationCodec(Collections.unmodifiableSet(names), limits);
  }

  /** This codec, decoding (and encoding) within {@code limits}. */
  public SerializationCodec withLimits(DecodeLimits limits) {
    if (limits == null) {
      throw new NullPointerException("limits");
    }
    return new SerializationCodec(registered, limits);
  }

  /** The class names registered with {@link #allowing}. */
  public Set<String> registered() {
    return registered;
  }

  /** The limits every decode of this codec applies. */
  @Override
  public DecodeLimits limits() {
    return limits;
  }

  /**
   * A filter for an {@link java.io.ObjectInputStream} that applies this codec's allow-list (plus
   * {@code alsoAllowed}), its {@link #limits()} and its cancellation checks, exactly as {@link
   * #decode} does, for Java deserialization that this codec does not run itself. Set it with
   * {@link java.io.ObjectInputStream#setObjectInputFilter} before the first read, one filter per
   * stream.
   *
   * <p>It refuses by throwing: the stream then throws {@link InvalidClassException} whose cause is
   * the {@link CodecException} (naming the class or the limit) or the {@link Cancelled}. Errors the
   * stream raises while decoding are the caller's to map.
   *
   * @param streamLength the bytes the stream holds when known (an array whose elements could not
   *     fit in the bytes left is then refused before it is allocated), or -1
   * @param alsoAllowed classes to accept besides the allow-list, or null
   */
  public ObjectInputFilter inputFilter(long streamLength, Predicate<Class<?>> alsoAllowed) {
    if (streamLength < -1) {
      throw new IllegalArgumentException("streamLength must be >= -1, got " + streamLength);
    }
    Predicate<Class<?>> extra = alsoAllowed == null ? c -> false : alsoAllowed;
    return new DecodeFilter(c -> allowed(c, extra), limits, streamLength);
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException also when the encoding would exceed {@code limits().maxBytes()}, or
   *     when encoding overflows the stack (a structure nested too deep)
   */
  @Override
  public byte[] encode(Object value) {
    String what = "cannot encode a value of class " + (value == null ? "null" : value.getClass().getName());
    BoundedBytes bytes = new BoundedBytes(limits.maxBytes());
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (TooBig e) {
      throw new CodecException(
          what
              + ": its encoding is over the codec's maxBytes of "
              + limits.maxBytes()
              + " (DecodeLimits.withMaxBytes raises it)",
          e);
    } catch (StackOverflowError e) {
      throw new CodecException(what + ": it nests too deep for the stack", e);
    } catch (NotSerializableException e) {
      throw new CodecException(
          what + ": " + e.getMessage() + " is not Serializable", e.getMessage(), e);
    } catch (IOException e) {
      throw new CodecException(what + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException also when the value is over one of {@link #limits()} (the message names
   *     the limit), or when decoding raised an {@link Error}
   * @throws Cancelled when the calling fiber is cancelled (or the thread interrupted) before or
   *     during the decode
   */
  @Override
  public Object decode(byte[] bytes, Predicate<Class<?>> alsoAllowed) {
    if (bytes == null) {
      throw new NullPointerException("bytes");
    }
    Interrupts.check();
    if (bytes.length > limits.maxBytes()) {
      throw new CodecException(
          "cannot decode "
              + bytes.length
              + " bytes: over the codec's maxBytes of "
              + limits.maxBytes()
              + " (DecodeLimits.withMaxBytes raises it)",
          null);
    }
    ObjectInputFilter filter = inputFilter(bytes.length, alsoAllowed);
    long unfolded = limits.maxUnfolded();
    try (ObjectInputStream in = new BoundedInput(bytes, unfolded)) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (IOException e) {
      // The filter and the unfolded count refuse with a CodecException or Cancelled as cause.
      if (e.getCause() instanceof CodecException refused) {
        throw refused;
      }
      if (e.getCause() instanceof Cancelled c) {
        throw c;
      }
      throw failed("cannot decode: " + e, e);
    } catch (ClassNotFoundException | RuntimeException e) {
      throw failed("cannot decode: " + e, e);
    } catch (StackOverflowError e) {
      throw failed("cannot decode: the value nests too deep for this thread's stack", e);
    } catch (OutOfMemoryError e) {
      throw failed("cannot decode " + bytes.length + " bytes: out of memory (" + e + ")", e);
    } catch (Error e) {
      throw failed("cannot decode: " + e, e);
    }
  }

  /** The failure to throw, unless the decode failed because the fiber was cancelled. */
  private static CodecException failed(String message, Throwable cause) {
    if (cause instanceof Cancelled c) {
      throw c;
    }
    Interrupts.check();
    return new CodecException(message, cause);
  }

  private boolean allowed(Class<?> c, Predicate<Class<?>> extra) {
    boolean array = c.isArray();
    while (c.isArray()) {
      c = c.getComponentType();
    }
    // Object[] holds elements that are checked one by one (List.of travels as one).
    if (c.isPrimitive() || (array && c == Object.class)) {
      return true;
    }
    String name = c.getName();
    return JDK_VALUES.contains(name)
        || name.startsWith("java.util.ImmutableCollections$")
        || name.startsWith("java.util.Collections$")
        || name.startsWith("java.util.EnumSet")
        || name.startsWith("java.time.")
        || Throwable.class.isAssignableFrom(c)
        || registered.contains(name)
        || extra.test(c);
  }

  @Override
  public String toString() {
    return "SerializationCodec"
        + (registered.isEmpty() ? "" : registered.toString())
        + (limits.equals(DecodeLimits.defaults()) ? "" : limits.toString());
  }

  /** Thrown by {@link BoundedBytes} past its limit; never leaves {@link #encode}. */
  private static final class TooBig extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooBig() {
      super("encoding too big", null, false, false);
    }
  }

  /** Collects an encoding and stops it as soon as it passes {@code max} bytes. */
  private static final class BoundedBytes extends ByteArrayOutputStream {
    private final long max;

    BoundedBytes(long max) {
      this.max = max;
    }

    @Override
    public void write(int b) {
      check(1);
      super.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      check(len);
      super.write(b, off, len);
    }

    private void check(int more) {
      if ((long) count + more > max) {
        throw new TooBig();
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SerializationCodec other
        && other.registered.equals(registered)
        && other.limits.equals(limits);
  }

  @Override
  public int hashCode() {
    return registered.hashCode() * 31 + limits.hashCode();
  }
}
