package dev.eio.internal.cluster.msg;

import dev.eio.ChannelClosedException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Iterates over what a blocking {@code receive} returns until it throws {@link
 * ChannelClosedException}: a closing without a cause ends the iteration, one with a cause (the
 * other end failed or broke) is rethrown from {@code hasNext}. Shared by the cluster's channels,
 * hubs and hub connections.
 *
 * @param <T> the type of the items
 */
public final class ReceiveIterator<T> implements Iterator<T> {
  private final Supplier<T> receive;
  private final String what;
  private T next; // received but not yet returned by next()
  private boolean done;

  /**
   * @param receive blocks for the next item, throwing {@link ChannelClosedException} at the end
   * @param what names the source in {@code next}'s error ("channel 'jobs'")
   */
  public ReceiveIterator(Supplier<T> receive, String what) {
    this.receive = receive;
    this.what = what;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      try {
        next = receive.get();
      } catch (ChannelClosedException e) {
        if (e.getCause() != null) {
          throw e;
        }
        done = true;
      }
    }
    return next != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException(what + " is closed");
    }
    T item = next;
    next = null;
    return item;
  }
}
