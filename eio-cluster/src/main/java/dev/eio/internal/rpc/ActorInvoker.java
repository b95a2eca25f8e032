package dev.eio.internal.rpc;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.WrappedCheckedException;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorExitException;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link Invoker} that runs each checked call in one actor's fiber: the call is posted to the
 * actor's mailbox and the caller waits for its outcome. The actor runs calls one at a time, in
 * mailbox order, so the implementation it owns needs no lock.
 *
 * <p>A call's life: queued, then either taken by the actor (running) or abandoned by its caller
 * (skipped when the actor reaches it; one compare-and-set decides which). A running call runs in a
 * {@link Cancel#sub} of the actor's own context, so a caller that gives up cancels that call only;
 * the caller then waits until the method has stopped, as the cluster and worker transports do. An
 * actor that stops completes every waiting caller through its exit callback, so no caller hangs.
 */
public final class ActorInvoker implements Invoker {
  private final Class<?> contract;
  private final ActorRef<Call> ref;
  // The actor's fiber, for refusing a call from the implementation to itself (it would wait for
  // itself forever). Written once by the actor before it takes its first call.
  private volatile Thread actorThread;

  private ActorInvoker(Class<?> contract, Switch sw, Mailbox mailbox, Object impl) {
    this.contract = contract;
    this.ref = Actors.spawn(sw, contract.getName(), mailbox, ctx -> serve(ctx, impl));
  }

  /**
   * Spawns the actor that owns {@code impl} in {@code sw} and returns the invoker posting to it.
   *
   * @throws WrongThreadException when the caller is not in {@code sw}'s tree of fibers
   * @throws IllegalStateException when {@code sw} has finished
   */
  public static ActorInvoker spawn(Switch sw, Class<?> contract, Mailbox mailbox, Object impl) {
    return new ActorInvoker(contract, sw, mailbox, impl);
  }

  /** The actor: for its name, monitors, links and {@code awaitExit}. */
  public ActorRef<?> ref() {
    return ref;
  }

  /** The actor's loop: take the next call, run it unless its caller gave up, repeat. */
  private void serve(ActorContext<Call> ctx, Object impl) {
    actorThread = Thread.currentThread();
    while (true) {
      Call c = ctx.receive();
      c.runIn(impl);
      // The actor's own cancellation (its switch ends, a link) stops it here, between calls.
      Fiber.check();
    }
  }

  @Override
  public Object invoke(Method method, Object[] args) throws Exception {
    if (Thread.currentThread() == actorThread) {
      throw new IllegalStateException(
          "actor '" + ref.name() + "' called its own contract " + contract.getName() + "."
              + Contract.key(method) + ": a call from the actor to itself would wait for itself"
              + " forever; call the implementation directly");
    }
    Fiber.check(); // a caller cancelled already posts nothing
    Call call = new Call(method, args, Thread.currentThread());
    // Registered before posting: an actor that stops at any point after this completes the call.
    ActorRef.ExitHandle h = ref.onExit(r -> call.actorStopped(stopped(r)));
    try {
      ref.send(call); // a full mailbox fails (FAIL) or waits, cancellably (WAIT): nothing posted
      return call.await();
    } finally {
      h.remove();
    }
  }

  /**
   * Runs {@code call} from a client in this JVM: no codec, the arguments and the value are the
   * objects themselves. A checked exception comes back wrapped, as from the other transports.
   */
  public Object callLocally(RpcCall call) {
    Method m = Contract.of(contract).method(call.method());
    try {
      return invoke(m, call.args());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new WrappedCheckedException(e);
    }
  }

  private ActorExitException stopped(ExitReason r) {
    return new ActorExitException(
        "actor '" + ref.name() + "' serving " + contract.getName() + " stopped (" + r + ")", ref, r);
  }

  @Override
  public String toString() {
    return "ActorInvoker[" + contract.getName() + " on " + ref + "]";
  }

  /** One call in the actor's mailbox, and its caller's side of the hand-over. */
  static final class Call {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int ABANDONED = 2;
    private static final VarHandle STATE;
    private static final VarHandle OUTCOME;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        STATE = l.findVarHandle(Call.class, "state", int.class);
        OUTCOME = l.findVarHandle(Call.class, "outcome", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Method method;
    private final Object[] args;
    private final Thread caller;
    private volatile int state = QUEUED;
    // Set by the actor before it moves the call to RUNNING, so a caller that sees RUNNING sees it.
    private volatile Cancel.Context running;
    // Null until the call is over: a Value, a Threw or a Stopped; set once.
    private volatile Object outcome;

    private record Value(Object value) {}

    private record Threw(Throwable failure) {}

    private record Stopped(ActorExitException failure) {}

    Call(Method method, Object[] args, Thread caller) {
      this.method = method;
      this.args = args;
      this.caller = caller;
    }

    /** Runs on the actor's fiber: the method, in a context of its own, unless abandoned. */
    void runIn(Object impl) {
      if (Fiber.isCancelled()) {
        return; // the actor is stopping: its exit fails this call, which never ran
      }
      Object[] result = new Object[1];
      Cancel.sub(
          ctx -> {
            running = ctx;
            if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
              return; // the caller gave up first: this call never runs
            }
            result[0] = call(impl);
          });
      Object o = result[0];
      if (o == null) {
        return;
      }
      if (o instanceof Threw t && Fiber.isCancelled() && causedByCancellation(t.failure())) {
        // The actor itself is being stopped: the method's Cancelled is the actor's, not the
        // caller's answer. The actor's exit completes the call with ActorExitException.
        return;
      }
      complete(o);
    }

    private Object call(Object impl) {
      try {
        return new Value(method.invoke(impl, args));
      } catch (InvocationTargetException e) {
        return new Threw(e.getCause());
      } catch (IllegalAccessException e) {
        return new Threw(new IllegalStateException("cannot call " + method, e));
      }
    }

    private static boolean causedByCancellation(Throwable t) {
      int depth = 0;
      for (Throwable c = t; c != null && depth < 64; c = c.getCause(), depth++) {
        if (c instanceof Cancelled || c instanceof InterruptedException) {
          return true;
        }
      }
      return false;
    }

    /**
     * The actor stopped (any reason): a call not yet over fails with {@code failure}. The exit
     * callback runs after the actor's fiber left the method, so the call is over either way.
     */
    void actorStopped(ActorExitException failure) {
      complete(new Stopped(failure));
    }

    private void complete(Object o) {
      if (OUTCOME.compareAndSet(this, null, o)) {
        LockSupport.unpark(caller);
      }
    }

    /**
     * Waits for the outcome. On the caller's cancellation (an interrupt): a call still queued is
     * abandoned and never runs; a running one is cancelled alone, and the wait goes on until its
     * method has stopped; then {@link Cancelled} is thrown.
     */
    Object await() throws Exception {
      boolean gaveUp = false;
      while (true) {
        Object o = outcome;
        if (o != null) {
          if (gaveUp) {
            throw cancellation();
          }
          return unpack(o);
        }
        LockSupport.park(this);
        if (Thread.interrupted() && !gaveUp) {
          gaveUp = true;
          if (STATE.compareAndSet(this, QUEUED, ABANDONED)) {
            throw cancellation();
          }
          running.cancel(new Cancelled("the caller of " + Contract.key(method) + " gave up"));
        }
      }
    }

    private static Cancelled cancellation() {
      Thread.currentThread().interrupt();
      Fiber.check(); // throws with the fiber's reason (a deadline's, say)
      return new Cancelled("interrupted");
    }

    private static Object unpack(Object o) throws Exception {
      return switch (o) {
        case Value v -> v.value();
        case Threw t when t.failure() instanceof Exception e -> throw e;
        case Threw t -> throw (Error) t.failure();
        case Stopped s -> throw s.failure();
        default -> throw new IllegalStateException("unknown outcome " + o);
      };
    }
  }
}
