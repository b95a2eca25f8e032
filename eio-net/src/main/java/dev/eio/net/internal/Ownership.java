package dev.eio.net.internal;

import dev.eio.Switch;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ties a resource to a switch: closed by the switch's release, or earlier by its holder, once
 * either way. Closing early takes the release hook back, so a long-lived server switch does not
 * collect one hook per connection it ever accepted.
 */
public final class Ownership {
  private final Closeable resource;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Switch.ReleaseHandle handle;

  private Ownership(Closeable resource) {
    this.resource = resource;
  }

  /**
   * Registers {@code resource} with {@code sw}. When the switch has finished the resource is
   * closed at once and the switch's {@link IllegalStateException} is thrown.
   */
  public static Ownership attach(Switch sw, Closeable resource) {
    Ownership o = new Ownership(resource);
    try {
      o.handle = sw.onRelease(o::closeQuietly);
    } catch (RuntimeException e) {
      o.closeQuietly();
      throw e;
    }
    return o;
  }

  /** Whether the resource has been closed through this ownership. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Closes the resource (once) and removes the release hook. */
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Switch.ReleaseHandle h = handle;
    if (h != null) {
      h.remove();
    }
    resource.close();
  }

  /** Closes like {@link #close()}, ignoring a failure of the close itself. */
  public void closeQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // Nothing useful to do: the descriptor is released by the JDK even when close reports.
    }
  }
}
