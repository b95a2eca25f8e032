package dev.eio.internal.actor;

import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Timeout;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.ActorRef;
import dev.eio.actor.ExitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;

/**
 * The one-shot reply address of an ask: the first message sent to it is the answer; it stops
 * (normally) once answered or once the asker gave up, and later messages are dead letters.
 */
public final class Reply<R> implements ActorRef<R>, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final Object EMPTY = new Object();
  private static final Object GAVE_UP = new Object();
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(Reply.class, "value", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final Thread asker;
  private volatile Object value = EMPTY;

  private Reply(String name, Thread asker) {
    this.name = name;
    this.asker = asker;
  }

  /** The body of {@link ActorRef#ask}. */
  public static <M, R> R ask(
      ActorRef<M> target, Function<? super ActorRef<R>, ? extends M> request, Duration timeout) {
    if (request == null) {
      throw new NullPointerException("request");
    }
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
    }
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    Reply<R> reply = new Reply<>(target.name() + "/ask", Thread.currentThread());
    // If the target stops first, the ask fails at once instead of waiting out its time.
    ExitHandle h = target.onExit(r -> reply.targetStopped(target, r));
    try {
      target.send(request.apply(reply));
      return reply.await(deadline, timeout);
    } finally {
      h.remove();
    }
  }

  private void targetStopped(ActorRef<?> target, ExitReason r) {
    Object v = new Stopped(new ActorExitException(
        "actor '" + target.name() + "' stopped before replying (" + r + ")", target, r));
    if (VALUE.compareAndSet(this, EMPTY, v)) {
      LockSupport.unpark(asker);
    }
  }

  private record Stopped(ActorExitException e) {}

  @SuppressWarnings("unchecked")
  private R await(long deadline, Duration timeout) {
    while (true) {
      Object v = value;
      if (v != EMPTY) {
        if (v instanceof Stopped s) {
          throw new ActorExitException(s.e().getMessage(), s.e().from(), s.e().reason());
        }
        return (R) v;
      }
      Fiber.check();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        if (VALUE.compareAndSet(this, EMPTY, GAVE_UP)) {
          throw new Timeout(timeout);
        }
        continue;
      }
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        if (VALUE.compareAndSet(this, EMPTY, GAVE_UP)) {
          Thread.currentThread().interrupt();
          Fiber.check();
          throw new Cancelled("interrupted");
        }
        // Answered before we saw the interrupt: take the answer, keep the cancellation.
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(R message) {
    trySend(message);
  }

  @Override
  public boolean trySend(R message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    if (VALUE.compareAndSet(this, EMPTY, message)) {
      LockSupport.unpark(asker);
      return true;
    }
    DeadLetters.add(1);
    return false;
  }

  @Override
  public boolean isAlive() {
    return value == EMPTY;
  }

  @Override
  public ExitReason awaitExit() {
    if (isAlive()) {
      throw new UnsupportedOperationException("a reply address cannot be awaited");
    }
    return ExitReason.NORMAL;
  }

  @Override
  public ExitHandle onExit(Consumer<? super ExitReason> callback) {
    throw new UnsupportedOperationException("a reply address cannot be watched");
  }

  /** Crosses the wire as the form a cluster node routes back here ({@link Export}). */
  @java.io.Serial
  private Object writeReplace() throws java.io.ObjectStreamException {
    return Export.replace(this);
  }

  @java.io.Serial
  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a reply address is never read from bytes");
  }

  @Override
  public String toString() {
    return "ActorRef[" + name + "]";
  }
}
