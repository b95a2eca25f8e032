package dev.eio.internal.rpc;

import dev.eio.rpc.CallRefusedException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * An RPC contract: a Java interface and its callable methods, each known on the wire by its key,
 * {@code name(parameter types)}. The key is a name, not an ordinal, so adding a method never moves
 * the others, and a changed signature is a different key.
 */
public final class Contract {
  private static final ClassValue<Contract> CACHE =
      new ClassValue<>() {
        @Override
        protected Contract computeValue(Class<?> type) {
          return new Contract(type);
        }
      };

  private final Class<?> type;
  private final Map<String, Method> methods;

  private Contract(Class<?> type) {
    if (!type.isInterface() || type.isAnnotation()) {
      throw new IllegalArgumentException(
          "contract: an RPC contract must be an interface, got " + type.getName());
    }
    if (type.getTypeParameters().length > 0) {
      throw new IllegalArgumentException(
          "contract: " + type.getName() + " has type parameters; a contract must name its types");
    }
    Map<String, Method> byKey = new LinkedHashMap<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      if (!m.trySetAccessible()) {
        throw new IllegalArgumentException(
            "contract: " + type.getName() + " is not accessible to eio-cluster; make it public"
                + " and export (or open) its package to dev.eio.cluster");
      }
      // The same key from two super-interfaces is one method: one call, one implementation.
      byKey.putIfAbsent(key(m), m);
    }
    this.type = type;
    this.methods = Map.copyOf(byKey);
  }

  /**
   * The contract of {@code type}.
   *
   * @throws IllegalArgumentException when {@code type} is not an interface eio can call, saying why
   */
  public static Contract of(Class<?> type) {
    return CACHE.get(type);
  }

  /** The wire key of {@code m}: its name and its parameters' type names, {@code put(java.lang.String,byte[])}. */
  public static String key(Method m) {
    StringJoiner params = new StringJoiner(",", m.getName() + "(", ")");
    for (Class<?> p : m.getParameterTypes()) {
      params.add(p.getTypeName());
    }
    return params.toString();
  }

  /** The interface; its binary name is the service's name on the wire. */
  public Class<?> type() {
    return type;
  }

  /** The method with wire key {@code key}, or null when the interface has none. */
  public Method method(String key) {
    return methods.get(key);
  }

  /**
   * Checks that {@code args} fit {@code m}'s parameters: as many, each of its parameter's type (a
   * primitive's box, never null).
   *
   * @throws CallRefusedException naming the first argument that does not fit
   */
  static void checkArguments(Method m, Object[] args) {
    Class<?>[] params = m.getParameterTypes();
    int n = args == null ? 0 : args.length;
    if (n != params.length) {
      throw new CallRefusedException(
          "call refused: " + key(m) + " takes " + params.length + " arguments, the call has " + n);
    }
    for (int i = 0; i < n; i++) {
      Class<?> p = box(params[i]);
      Object a = args[i];
      if (a == null ? params[i].isPrimitive() : !p.isInstance(a)) {
        throw new CallRefusedException(
            "call refused: argument " + i + " of " + key(m) + " must be a " + params[i].getTypeName()
                + ", got " + (a == null ? "null" : a.getClass().getName()));
      }
    }
  }

  /** Whether {@code value} can be what {@code m} returns (void returns null). */
  static boolean returnable(Method m, Object value) {
    Class<?> r = m.getReturnType();
    if (r == void.class) {
      return value == null;
    }
    return value == null ? !r.isPrimitive() : box(r).isInstance(value);
  }

  static Class<?> box(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    return switch (c.getName()) {
      case "int" -> Integer.class;
      case "long" -> Long.class;
      case "boolean" -> Boolean.class;
      case "double" -> Double.class;
      case "float" -> Float.class;
      case "short" -> Short.class;
      case "byte" -> Byte.class;
      case "char" -> Character.class;
      default -> Void.class;
    };
  }

  @Override
  public String toString() {
    return "Contract[" + type.getName() + ", " + methods.size() + " methods]";
  }
}
