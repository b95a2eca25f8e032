package dev.eio.internal.workers;

import dev.eio.workers.CodecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The object stream of a bounded decode. Resolves classes through the thread's context loader
 * first, as frameworks expect, and counts the value <i>unfolded</i>: each collection, map, entry,
 * object array and record counts the elements it reaches, a shared one once per path to it. The
 * sum over every such container read so far must stay within a budget, checked as each container
 * is completed and before its parent can hash it.
 *
 * <p>Why: {@code hashCode} of a collection walks it unfolded, so sets that share their members
 * (each level holding the same few sets of the level below) cost fan-out^height to hash, from a few
 * hundred bytes, inside one {@code readObject} where no filter check can interrupt it. With the
 * budget, one step of decoding (one element added, one {@code readResolve}) hashes at most the
 * budget.
 */
public final class BoundedInput extends ObjectInputStream {
  /** The fields of a record's components, read directly: no accessor code runs. */
  private static final ClassValue<Field[]> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
          RecordComponent[] components = type.getRecordComponents();
          Field[] fields = new Field[components.length];
          try {
            for (int i = 0; i < components.length; i++) {
              fields[i] = type.getDeclaredField(components[i].getName());
              fields[i].setAccessible(true);
            }
          } catch (NoSuchFieldException | RuntimeException e) {
            return null; // not open to eio: its components are not counted
          }
          return fields;
        }
      };

  private final long budget;
  private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();
  private long total;

  /** A stream over {@code bytes} whose containers may unfold to {@code budget} in total. */
  public BoundedInput(byte[] bytes, long budget) throws IOException {
    super(new ByteArrayInputStream(bytes));
    this.budget = budget;
    enableResolveObject(true);
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

  /** Called once each object is complete, before the object holding it sees it. */
  @Override
  protected Object resolveObject(Object obj) throws IOException {
    long size = 1;
    if (obj instanceof Collection<?> c) {
      for (Object e : c) {
        size += sizeOf(e);
      }
    } else if (obj instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        size += sizeOf(e.getKey()) + sizeOf(e.getValue());
      }
    } else if (obj instanceof Map.Entry<?, ?> e) {
      size += sizeOf(e.getKey()) + sizeOf(e.getValue());
    } else if (obj instanceof Object[] a) {
      for (Object e : a) {
        size += sizeOf(e);
      }
    } else if (obj instanceof Record r) {
      Field[] fields = COMPONENTS.get(r.getClass());
      if (fields != null) {
        for (Field f : fields) {
          if (!f.getType().isPrimitive()) {
            try {
              size += sizeOf(f.get(r));
            } catch (IllegalAccessException e) {
              // setAccessible succeeded above; nothing to count otherwise
            }
          }
        }
      }
    }
    if (size > 1) {
      sizes.put(obj, size);
      total += size;
      if (total > budget || total < 0) {
        InvalidObjectException e =
            new InvalidObjectException("value unfolds past the budget of " + budget);
        e.initCause(
            new CodecException(
                "cannot decode: its collections, counted once per path to each shared one, hold"
                    + " over "
                    + budget
                    + " elements (DecodeLimits.maxUnfolded, 4 x maxReferences): collections"
                    + " sharing members this much cost as much to hash",
                null));
        throw e;
      }
    }
    return obj;
  }

  private long sizeOf(Object child) {
    if (child == null) {
      return 0;
    }
    Long s = sizes.get(child);
    return s == null ? 1 : s; // a leaf, an empty container, or an ancestor (a cycle)
  }
}
