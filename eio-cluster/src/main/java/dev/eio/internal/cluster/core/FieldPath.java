package dev.eio.internal.cluster.core;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds, for a clear error at submit, the path of fields from a task to the first value Java
 * serialization refuses ({@code NotSerializableException} names only the class). Walks fields
 * reflectively, elements of collections, maps and arrays, breadth first, bounded in nodes.
 */
final class FieldPath {
  private static final int MAX_NODES = 10_000;

  private FieldPath() {}

  private record Node(Object value, String path) {}

  /** "path.to.field: class X is not Serializable", or null when none is found. */
  static String toUnserializable(Object root) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.add(new Node(root, "task"));
    for (int n = 0; !todo.isEmpty() && n < MAX_NODES; n++) {
      Node node = todo.poll();
      Object v = node.value();
      if (v == null || v instanceof Class<?> || v instanceof Enum<?> || !seen.add(v)) {
        continue;
      }
      Class<?> c = v.getClass();
      if (!(v instanceof Serializable) && !c.isArray()) {
        String what = c.isSynthetic() || c.isHidden() ? "a lambda or proxy " + c.getName() : "class " + c.getName();
        String hint = c.isHidden() ? " (declare it with a Serializable* function type)" : "";
        return node.path() + ": " + what + " is not Serializable" + hint;
      }
      if (c.isArray()) {
        if (!c.getComponentType().isPrimitive()) {
          for (int i = 0; i < Array.getLength(v); i++) {
            todo.add(new Node(Array.get(v, i), node.path() + "[" + i + "]"));
          }
        }
      } else if (v instanceof Collection<?> coll) {
        int i = 0;
        for (Object e : coll) {
          todo.add(new Node(e, node.path() + "[" + i++ + "]"));
        }
      } else if (v instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          todo.add(new Node(e.getKey(), node.path() + ".key(" + e.getKey() + ")"));
          todo.add(new Node(e.getValue(), node.path() + "[" + e.getKey() + "]"));
        }
      } else {
        for (Class<?> k = c; k != null && Serializable.class.isAssignableFrom(k); k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.getType().isPrimitive() || !f.trySetAccessible()) {
              continue;
            }
            try {
              todo.add(new Node(f.get(v), node.path() + "." + f.getName()));
            } catch (IllegalAccessException e) {
              // an inaccessible JDK field: its class serializes itself
            }
          }
        }
      }
    }
    return null;
  }
}
