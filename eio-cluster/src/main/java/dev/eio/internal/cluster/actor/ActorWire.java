package dev.eio.internal.cluster.actor;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Behavior;
import dev.eio.actor.ExitReason;
import dev.eio.actor.Mailbox;
import dev.eio.internal.cluster.core.MemberTask;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.UUID;

/**
 * The classes of cluster actors that cross the wire inside codec bytes. One nest, accepted by name
 * on every member ({@code Wire}'s carriers) and in outcomes of its tasks; nothing else of this
 * package is ever read from bytes.
 */
public final class ActorWire {
  private ActorWire() {}

  /**
   * Whether {@code c} is one of these classes, or what a reference resolves to (the filter sees
   * {@code readResolve}'s result too): a remote reference or a local actor. Those three refuse to
   * be read from bytes themselves ({@code readObject} throws), so allowing them lets nothing in.
   */
  static boolean ours(Class<?> c) {
    return c.getNestHost() == ActorWire.class
        || c == RemoteRef.class
        || c == dev.eio.internal.actor.ActorCell.class
        || c == dev.eio.internal.actor.Reply.class;
  }

  /** Longest actor name a reference may carry. */
  static final int MAX_NAME = 256;

  /**
   * An actor reference on the wire: where the actor lives (a member's uuid, or a client node's
   * id), an unguessable token naming it there, its name, and the host's address for messages.
   * Read back, it becomes a usable reference of the reading node ({@link #readResolve}).
   */
  record RefForm(boolean clientHost, UUID host, UUID token, String name, String address)
      implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    RefForm {
      check(host, token, name, address);
    }

    private static void check(UUID host, UUID token, String name, String address) {
      if (host == null || token == null || name == null || address == null) {
        throw new IllegalArgumentException("an actor reference needs a host, a token, a name, an address");
      }
      if (name.length() > MAX_NAME || address.length() > MAX_NAME) {
        throw new IllegalArgumentException("an actor reference's name or address is over " + MAX_NAME + " chars");
      }
    }

    @Serial
    private void readObject(ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      try {
        check(host, token, name, address);
      } catch (IllegalArgumentException e) {
        throw new InvalidObjectException("forged actor reference: " + e.getMessage());
      }
    }

    /** The reference of the node reading it (a local actor when it lives on that node). */
    @Serial
    private Object readResolve() throws ObjectStreamException {
      Node node = Node.reading();
      if (node == null) {
        throw new InvalidObjectException(
            "an actor reference can be read only by cluster actors (it arrived outside an actor message)");
      }
      return node.resolve(this);
    }

    String describe() {
      return address + " (" + host + ")";
    }
  }

  /** Why an actor stopped, on the wire (exceptions as the codec carries them). */
  record ReasonForm(byte kind, Throwable cause, String member) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    static ReasonForm of(ExitReason r) {
      return switch (r) {
        case ExitReason.Normal n -> new ReasonForm((byte) 0, null, null);
        case ExitReason.Failed f -> new ReasonForm((byte) 1, f.failure(), null);
        case ExitReason.Cancelled c -> new ReasonForm((byte) 2, c.reason(), null);
        case ExitReason.MemberGone g -> new ReasonForm((byte) 3, null, g.member());
      };
    }

    ExitReason reason() {
      return switch (kind) {
        case 0 -> ExitReason.NORMAL;
        case 1 -> new ExitReason.Failed(cause == null ? new IllegalStateException("failed") : cause);
        case 2 -> new ExitReason.Cancelled(cause);
        default -> new ExitReason.MemberGone(member == null ? "?" : member);
      };
    }
  }

  /** Spawns an actor in the node of the member that runs it; answers its reference. */
  record Spawn(String name, int capacity, byte whenFull, Behavior<?> behavior)
      implements MemberTask<Object> {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public Object call() {
      throw new IllegalStateException("a spawn runs only on a cluster member");
    }

    @Override
    public Object callOn(HazelcastInstance member) {
      Node node = Node.of(member);
      if (node == null) {
        throw new IllegalStateException(
            "member " + Node.address(member) + " hosts no actors: start ClusterActors on it (ClusterActors.start)");
      }
      Mailbox box =
          switch (whenFull) {
            case 0 -> Mailbox.unbounded();
            case 1 -> Mailbox.bounded(capacity, Mailbox.WhenFull.FAIL);
            default -> Mailbox.bounded(capacity, Mailbox.WhenFull.WAIT);
          };
      RefForm f = node.export(node.spawnHere(name, box, behavior));
      // Plain values (the caller's outcome filter knows only JDK values and this nest's classes).
      return java.util.List.of(f.clientHost(), f.host(), f.token(), f.name(), f.address());
    }

    /** The reference in an answer of {@link #callOn}, as {@code node}'s. */
    static Object read(Node node, Object answer) {
      if (!(answer instanceof java.util.List<?> l) || l.size() != 5) {
        throw new IllegalStateException("a spawn answered " + answer);
      }
      return node.resolve(new RefForm((Boolean) l.get(0), (UUID) l.get(1), (UUID) l.get(2), (String) l.get(3), (String) l.get(4)));
    }
  }

  /** A spawn of {@code behavior} named {@code name} with the kind of mailbox {@code box}. */
  static Spawn spawn(String name, Mailbox box, Behavior<?> behavior) {
    byte when = !box.isBounded() ? 0 : box.whenFull() == Mailbox.WhenFull.FAIL ? (byte) 1 : (byte) 2;
    return new Spawn(name, box.capacity(), when, behavior);
  }

  /** Whether the actor with {@code token} runs on the member that runs this. */
  record Alive(UUID token) implements MemberTask<Boolean> {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call() {
      throw new IllegalStateException("runs only on a cluster member");
    }

    @Override
    public Boolean callOn(HazelcastInstance member) {
      Node node = Node.of(member);
      ActorRef<?> ref = node == null ? null : node.exported(token);
      return ref != null && ref.isAlive();
    }
  }
}
