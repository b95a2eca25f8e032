package dev.eio.actor;

import dev.eio.Switch;
import dev.eio.internal.actor.ActorCell;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered names: a map from names to running actors, owned by a switch. A name is taken by one
 * live actor at a time and freed when that actor stops; the whole registry empties when its
 * switch ends.
 *
 * <p>A registry is an object you create and pass on, not a global table: two programs (or two
 * tests) in one JVM cannot collide, and code reaches only the names it was given, as with every
 * other capability in eio.
 *
 * <pre>{@code
 * Registry names = Registry.create(sw);
 * names.register("bank", bank);
 * names.<Bank.Msg>lookup("bank").ifPresent(b -> b.send(new Bank.Deposit(10)));
 * }</pre>
 */
public final class Registry {
  private final ConcurrentHashMap<String, ActorRef<?>> names = new ConcurrentHashMap<>();

  private Registry() {}

  /** A registry that lives as long as {@code sw}. */
  public static Registry create(Switch sw) {
    Registry r = new Registry();
    sw.onRelease(r.names::clear);
    return r;
  }

  /**
   * Registers {@code actor} under {@code name} until it stops.
   *
   * @return false when the name is taken by another live actor (or {@code actor} has stopped)
   */
  public boolean register(String name, ActorRef<?> actor) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    if (actor == null) {
      throw new NullPointerException("actor");
    }
    while (true) {
      ActorRef<?> prev = names.putIfAbsent(name, actor);
      if (prev == null) {
        break;
      }
      if (prev.isAlive()) {
        return false;
      }
      names.remove(name, prev); // its exit hook may not have run yet
    }
    ActorCell.onExitQuietly(actor, r -> names.remove(name, actor));
    if (!actor.isAlive()) {
      names.remove(name, actor);
      return false;
    }
    return true;
  }

  /**
   * The live actor registered under {@code name}. The type is the caller's claim: a message of
   * the wrong type fails in the actor, not here.
   */
  @SuppressWarnings("unchecked")
  public <M> Optional<ActorRef<M>> lookup(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    ActorRef<?> a = names.get(name);
    return a != null && a.isAlive() ? Optional.of((ActorRef<M>) a) : Optional.empty();
  }

  /** Frees {@code name}; returns whether it was registered. */
  public boolean unregister(String name) {
    return names.remove(name) != null;
  }
}
