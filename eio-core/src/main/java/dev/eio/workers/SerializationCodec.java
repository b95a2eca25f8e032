package dev.eio.workers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
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

  private static final SerializationCodec DEFAULTS = new SerializationCodec(Set.of());

  private final Set<String> registered;

  private SerializationCodec(Set<String> registered) {
    this.registered = registered;
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
    return new SerializationCodec(Collections.unmodifiableSet(names));
  }

  /** The class names registered with {@link #allowing}. */
  public Set<String> registered() {
    return registered;
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new CodecException(
          "cannot encode a value of class "
              + (value == null ? "null" : value.getClass().getName())
              + ": "
              + e.getMessage()
              + " is not Serializable",
          e.getMessage(),
          e);
    } catch (IOException e) {
      throw new CodecException(
          "cannot encode a value of class " + value.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes, Predicate<Class<?>> alsoAllowed) {
    if (bytes == null) {
      throw new NullPointerException("bytes");
    }
    Predicate<Class<?>> extra = alsoAllowed == null ? c -> false : alsoAllowed;
    String[] refused = new String[1];
    ObjectInputFilter filter =
        info -> {
          Class<?> c = info.serialClass();
          if (c == null) {
            return ObjectInputFilter.Status.UNDECIDED;
          }
          if (allowed(c, extra)) {
            return ObjectInputFilter.Status.ALLOWED;
          }
          refused[0] = c.getTypeName();
          return ObjectInputFilter.Status.REJECTED;
        };
    try (ObjectInputStream in = new LoaderAwareInput(bytes)) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (refused[0] != null) {
        throw new CodecException(
            "class "
                + refused[0]
                + " is not on the codec's allow-list; register it with"
                + " SerializationCodec.defaults().allowing("
                + refused[0]
                + ".class) if it is safe to accept",
            refused[0],
            e);
      }
      throw new CodecException("cannot decode: " + e, e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new CodecException("cannot decode: " + e, e);
    }
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
    return "SerializationCodec" + (registered.isEmpty() ? "" : registered.toString());
  }

  /** Resolves classes through the thread's context loader first, as frameworks expect. */
  private static final class LoaderAwareInput extends ObjectInputStream {
    LoaderAwareInput(byte[] bytes) throws IOException {
      super(new ByteArrayInputStream(bytes));
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution below
        }
      }
      return super.resolveClass(desc);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SerializationCodec other && other.registered.equals(registered);
  }

  @Override
  public int hashCode() {
    return registered.hashCode();
  }
}
