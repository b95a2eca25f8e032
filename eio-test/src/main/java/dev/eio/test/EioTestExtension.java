package dev.eio.test;

import dev.eio.Clock;
import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.VirtualClock;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link EioTest}: registered by the annotation, not used directly.
 *
 * <p>JUnit resolves a test's parameters before the test runs, while the {@link Env} and {@link
 * Switch} exist only inside the run; so the extension lets JUnit resolve them to placeholders, takes
 * the invocation over, and calls the method itself inside {@link Eio#run} (or {@link
 * VirtualClock#run}) with the real values, keeping the arguments other resolvers gave.
 */
public final class EioTestExtension implements ParameterResolver, InvocationInterceptor {
  /** How long, with the system clock, a fiber left running may take to end on its own. */
  public static final int LEAK_GRACE_SECONDS = 5;

  private static final Set<Class<?>> INJECTED =
      Set.of(Env.class, Switch.class, Clock.class, VirtualClock.class);
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** Made by JUnit from {@link EioTest}'s {@code @ExtendWith}. */
  public EioTestExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> type = pc.getParameter().getType();
    if (!INJECTED.contains(type) || !(pc.getDeclaringExecutable() instanceof Method m)) {
      return false;
    }
    EioTest cfg = AnnotationSupport.findAnnotation(m, EioTest.class).orElse(null);
    if (cfg == null) {
      return false;
    }
    if (type == VirtualClock.class && !cfg.virtualTime()) {
      throw new ParameterResolutionException(
          "parameter "
              + (pc.getIndex() + 1)
              + " of "
              + m.getName()
              + " is a VirtualClock, which needs @EioTest(virtualTime = true)");
    }
    return true;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    return null; // a placeholder: the value exists only once the test runs under eio
  }

  @Override
  public void interceptTestMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> call,
      ExtensionContext ec)
      throws Throwable {
    Method m = call.getExecutable();
    EioTest cfg =
        AnnotationSupport.findAnnotation(m, EioTest.class)
            .orElseThrow(() -> new ExtensionConfigurationException(m + " has no @EioTest"));
    Duration limit = parseTimeout(cfg.timeout(), m);
    invocation.skip(); // run below, with the run's Env and Switch in the placeholders' places
    Object target = call.getTarget().orElse(null);
    List<Object> resolved = call.getArguments();
    TestRun run = new TestRun(ec.getDisplayName(), cfg.virtualTime(), limit);
    run.run((env, sw) -> ReflectionSupport.invokeMethod(m, target, arguments(m, resolved, env, sw)));
  }

  private static Object[] arguments(Method m, List<Object> resolved, Env env, Switch sw) {
    Parameter[] ps = m.getParameters();
    Object[] args = resolved.toArray();
    for (int i = 0; i < ps.length; i++) {
      Class<?> t = ps[i].getType();
      if (t == Env.class) {
        args[i] = env;
      } else if (t == Switch.class) {
        args[i] = sw;
      } else if (t == Clock.class || t == VirtualClock.class) {
        args[i] = env.clock();
      }
    }
    return args;
  }

  /** {@code "500ms"}, {@code "10s"}, {@code "2m"}, {@code "1h"} or ISO-8601, positive. */
  static Duration parseTimeout(String text, Method m) {
    Duration d = null;
    Matcher sm = SHORT.matcher(text.strip());
    try {
      if (sm.matches()) {
        long n = Long.parseLong(sm.group(1));
        d =
            switch (sm.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
      } else {
        d = Duration.parse(text.strip());
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ExtensionConfigurationException(
          "@EioTest(timeout = \""
              + text
              + "\") on "
              + m.getDeclaringClass().getSimpleName()
              + "."
              + m.getName()
              + ": expected a positive duration such as 500ms, 10s, 2m, 1h or PT10S");
    }
    return d;
  }
}
