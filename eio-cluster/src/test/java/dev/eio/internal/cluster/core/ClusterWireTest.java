package dev.eio.internal.cluster.core;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import dev.eio.workers.SerializableCallable;
import dev.eio.workers.SerializationCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The bytes of tasks and outcomes: plain outcomes by hand, stateless tasks cached, filters kept. */
class ClusterWireTest {
  private static final Predicate<Class<?>> NONE = c -> false;

  private final Wire wire = new Wire(SerializationCodec.defaults().allowing(ClusterWireTest.class));

  @Test
  void plainOutcomesRoundTripWithoutTheCodec() {
    for (Object v : new Object[] {null, 42, -7L, 2.5, true, false, "", "héllo ∑"}) {
      byte[] bytes = wire.encodeOutcome(Outcome.ok(v));
      assertNotEquals(OutcomeBytes.CODEC, bytes[0], "plain " + v);
      assertEquals(Outcome.ok(v), wire.decodeOutcome(bytes, NONE));
    }
  }

  @Test
  void otherOutcomesGoThroughTheCodecAndItsList() {
    ArrayList<Integer> list = new ArrayList<>(List.of(1, 2));
    byte[] bytes = wire.encodeOutcome(Outcome.ok(list));
    assertEquals(OutcomeBytes.CODEC, bytes[0]);
    assertEquals(list, wire.decodeOutcome(bytes, NONE).value());

    byte[] failed = wire.encodeOutcome(Outcome.failed(new IllegalStateException("boom")));
    assertEquals("boom", wire.decodeOutcome(failed, NONE).failure().getMessage());

    // A value of a class outside the caller's list is refused, as before.
    Wire strict = new Wire(SerializationCodec.defaults());
    byte[] foreign = wire.encodeOutcome(Outcome.ok(new Point(1, 2)));
    assertThrows(CodecException.class, () -> strict.decodeOutcome(foreign, NONE));
    assertEquals(new Point(1, 2), strict.decodeOutcome(foreign, c -> c == Point.class).value());
  }

  @Test
  void hostileOutcomeBytesAreCodecExceptions() {
    byte[][] hostile = {{}, {99}, {2, 0, 0}, {3, 1}, {1, 0}, {5, 5}, {0}, {0, 1, 2, 3}};
    for (byte[] b : hostile) {
      assertThrows(CodecException.class, () -> wire.decodeOutcome(b, NONE), () -> java.util.Arrays.toString(b));
    }
  }

  @Test
  void aCallerWithAnotherCodecStillDecidesOnPlainValues() {
    Codec noStrings = new NoStrings();
    Wire caller = new Wire(noStrings);
    byte[] s = wire.encodeOutcome(Outcome.ok("text"));
    assertThrows(CodecException.class, () -> caller.decodeOutcome(s, NONE));
    assertEquals(5, caller.decodeOutcome(wire.encodeOutcome(Outcome.ok(5)), NONE).value());
    assertNull(caller.decodeOutcome(wire.encodeOutcome(Outcome.ok(null)), NONE).value());
  }

  @Test
  void aStatelessTaskIsEncodedAndDecodedOnce() throws Exception {
    SerializableCallable<String> task = () -> "same";
    byte[] first = wire.encodeTask(task);
    assertSame(first, wire.encodeTask(task));
    SerializableCallable<?> a = wire.decodeTask(first);
    assertSame(a, wire.decodeTask(first.clone()));
    assertEquals("same", a.call());
  }

  @Test
  void aCapturingTaskIsNeverShared() throws Exception {
    List<SerializableCallable<?>> decoded = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      decoded.add(wire.decodeTask(wire.encodeTask(capturing(i))));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(i, decoded.get(i).call());
    }
  }

  @Test
  void aStatelessTaskOutsideTheMembersListIsRefusedEveryTime() {
    Wire member = new Wire(SerializationCodec.defaults());
    byte[] bytes = wire.encodeTask(() -> "not allowed");
    for (int i = 0; i < 3; i++) {
      assertThrows(CodecException.class, () -> member.decodeTask(bytes));
    }
  }

  private static SerializableCallable<Integer> capturing(int i) {
    return () -> i;
  }

  record Point(int x, int y) implements java.io.Serializable {}

  /** A codec whose list holds no String (unlike SerializationCodec's). */
  static final class NoStrings implements Codec {
    private static final long serialVersionUID = 1L;
    private final SerializationCodec inner = SerializationCodec.defaults();

    @Override
    public byte[] encode(Object value) {
      return inner.encode(value);
    }

    @Override
    public Object decode(byte[] bytes, Predicate<Class<?>> alsoAllowed) {
      Object v = inner.decode(bytes, alsoAllowed);
      if (v instanceof String) {
        throw new CodecException("no strings here", null);
      }
      return v;
    }
  }
}
