package dev.eio.internal.cluster.msg;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.Cancel;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * How eio-cluster calls Hazelcast from a fiber. A blocking Hazelcast call that is interrupted loses
 * the value of its late reply (DESIGN.md section 7: an interrupted {@code IQueue.poll} drops the
 * item it took), so every call runs protected from cancellation, waits at most {@link
 * #POLL_MILLIS}, and the caller checks for cancellation between calls.
 */
public final class Remote {
  /** The longest a single Hazelcast call waits; also the worst added latency of a cancel. */
  public static final long POLL_MILLIS = 25;

  private Remote() {}

  /** Runs {@code call} where the fiber's cancellation cannot interrupt it. */
  public static <T> T call(Callable<T> call) {
    return Cancel.protect(call);
  }

  /** The id of this member or client, as it appears in membership events. */
  public static UUID self(HazelcastInstance hz) {
    return hz.getLocalEndpoint().getUuid();
  }

  /**
   * Checks a user-given name of a distributed object.
   *
   * @throws IllegalArgumentException naming {@code what} when {@code name} is blank or holds
   *     {@code '*'} (Hazelcast's configuration wildcard)
   */
  public static String checkName(String what, String name) {
    if (name == null) {
      throw new NullPointerException(what + " name");
    }
    if (name.isBlank() || name.indexOf('*') >= 0) {
      throw new IllegalArgumentException(
          what + " name must be non-blank and without '*', got '" + name + "'");
    }
    return name;
  }
}
