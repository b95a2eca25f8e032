package dev.eio.internal;

import java.net.URL;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds where a blocked thread stands for a human: the eio operation it called (the outermost
 * frame of eio's own code, not the private method that parks) and the user's frame that called
 * it. Used by dumps and deadlock reports.
 */
public final class UserFrames {
  private UserFrames() {}

  private static final String OWN_ROOT = ownRoot();
  private static final ConcurrentHashMap<String, Boolean> OWN = new ConcurrentHashMap<>();

  /** Where this module's classes are loaded from, e.g. {@code file:/.../classes/}. */
  private static String ownRoot() {
    URL u = UserFrames.class.getResource("UserFrames.class");
    if (u == null) {
      return null;
    }
    String s = u.toString();
    return s.substring(0, s.length() - "dev/eio/internal/UserFrames.class".length());
  }

  /**
   * Whether {@code className} is eio's own code: loaded from where eio is, so that user code in a
   * package named {@code dev.eio} (tests, say) still counts as the user's.
   */
  static boolean isOwn(String className) {
    if (!className.startsWith("dev.eio.")) {
      return false;
    }
    return OWN.computeIfAbsent(
        className,
        c -> {
          int hidden = c.indexOf("$$");
          String outer = hidden >= 0 ? c.substring(0, hidden) : c;
          int nested = outer.indexOf('$');
          String top = nested >= 0 ? outer.substring(0, nested) : outer;
          URL u = UserFrames.class.getResource("/" + top.replace('.', '/') + ".class");
          return u == null || OWN_ROOT == null || u.toString().startsWith(OWN_ROOT);
        });
  }

  /** Frames that start fibers or run their tasks: below them nobody called the operation. */
  private static boolean isEntry(String c) {
    return c.startsWith("dev.eio.internal.")
        || c.contains("$FiberRun")
        || c.equals("dev.eio.Switch$Promised") // forkPromise's task: the fiber's start too
        || c.startsWith("dev.eio.RootFiber")
        || c.startsWith("dev.eio.SwitchEngine");
  }

  private static boolean isJdk(String c) {
    return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
  }

  /**
   * {@code "dev.eio.Channel.receive, called from app.Worker.run(Worker.java:42)"}: the eio call
   * the thread is in and the user frame that made it; or {@code "java.lang.Thread.sleep, called
   * from ..."} when it blocks in the JDK directly; {@code "?"} for an empty stack.
   */
  public static String describe(StackTraceElement[] stack) {
    StackTraceElement jdk = null;
    StackTraceElement api = null;
    StackTraceElement user = null;
    for (StackTraceElement e : stack) {
      String c = e.getClassName();
      if (api == null && (isJdk(c) || c.startsWith("dev.eio.internal."))) {
        if (isJdk(c)) {
          jdk = e; // the outermost JDK frame below eio's or the user's code
        }
        continue;
      }
      if (isJdk(c)) {
        continue;
      }
      if (isOwn(c)) {
        if (isEntry(c)) {
          break; // the fiber's own start: no user frame called the operation
        }
        api = e;
        continue;
      }
      user = e;
      break;
    }
    StackTraceElement call = api != null ? api : jdk;
    if (call == null) {
      return user != null ? String.valueOf(user) : "?";
    }
    String s = call.getClassName() + "." + call.getMethodName();
    return user == null ? s : s + ", called from " + user;
  }
}
