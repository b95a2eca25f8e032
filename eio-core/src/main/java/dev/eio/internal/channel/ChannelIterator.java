package dev.eio.internal.channel;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Receives from a channel until it is closed: {@code hasNext} blocks for the next item, returns
 * false once the channel is closed and drained, and throws the {@link Closed#receiveFailure} when
 * it failed (and {@code Cancelled} when the fiber is cancelled while waiting).
 *
 * @param <T> the type of the items
 */
public final class ChannelIterator<T> implements Iterator<T> {
  private final Supplier<Object> receiveOrClosed;
  private Object next; // received but not yet returned by next()
  private boolean done;

  /** An iterator over what {@code receiveOrClosed} returns: items, then a {@link Closed}. */
  public ChannelIterator(Supplier<Object> receiveOrClosed) {
    this.receiveOrClosed = receiveOrClosed;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    Object x = receiveOrClosed.get();
    if (x instanceof Closed c) {
      if (c.cause() != null) {
        throw c.receiveFailure();
      }
      done = true;
      return false;
    }
    next = x;
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("channel is closed");
    }
    @SuppressWarnings("unchecked")
    T item = (T) next;
    next = null;
    return item;
  }
}
