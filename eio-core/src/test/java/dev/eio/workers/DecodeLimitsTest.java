package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DecodeLimitsTest {
  @Test
  void limitsAreCheckedAndNamedWhenWrong() {
    DecodeLimits d = DecodeLimits.defaults();
    assertEquals(new DecodeLimits(64L << 20, 16L << 20, 20, 4L << 20), d);
    assertEquals(5, d.withMaxDepth(5).maxDepth());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.withMaxReferences(0));
    assertTrue(e.getMessage().contains("maxReferences"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.withMaxBytes((1L << 30) + 1));
    assertEquals(d, SerializationCodec.defaults().limits());
  }

  @Test
  void eachLimitRefusesAValueOverItAndNamesIt() {
    SerializationCodec codec = SerializationCodec.defaults();
    List<Integer> list = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    byte[] bytes = codec.encode(List.of(list));
    assertEquals(List.of(list), codec.decode(bytes, null));
    record Case(DecodeLimits limits, String named) {}
    for (Case c :
        List.of(
            new Case(DecodeLimits.defaults().withMaxBytes(bytes.length - 1), "maxBytes"),
            new Case(DecodeLimits.defaults().withMaxArrayLength(5), "maxArrayLength"),
            new Case(DecodeLimits.defaults().withMaxDepth(2), "maxDepth"),
            new Case(DecodeLimits.defaults().withMaxReferences(8), "maxReferences"))) {
      SerializationCodec bounded = codec.withLimits(c.limits());
      CodecException e = assertThrows(CodecException.class, () -> bounded.decode(bytes, null));
      assertTrue(e.getMessage().contains(c.named()), e.getMessage());
    }
  }

  @Test
  void encodingRefusesAValueOverMaxBytes() {
    SerializationCodec small = SerializationCodec.defaults().withLimits(DecodeLimits.defaults().withMaxBytes(1000));
    assertEquals("ok", small.decode(small.encode("ok"), null));
    CodecException e = assertThrows(CodecException.class, () -> small.encode(new byte[2000]));
    assertTrue(e.getMessage().contains("maxBytes"), e.getMessage());
  }

  @Test
  void codecsWithOtherLimitsAreNotEqualAndKeepTheirLimitsWhenAllowingMore() {
    SerializationCodec a = SerializationCodec.defaults();
    SerializationCodec b = a.withLimits(DecodeLimits.defaults().withMaxDepth(7));
    assertNotEquals(a, b);
    assertEquals(7, b.allowing(AtomicLong.class).limits().maxDepth());
    assertEquals(b, b.allowing().withLimits(b.limits()));
  }

  @Test
  void theInputFilterAppliesTheAllowListAndLimitsToAnyObjectInputStream() throws Exception {
    SerializationCodec codec =
        SerializationCodec.defaults().withLimits(DecodeLimits.defaults().withMaxDepth(3));
    byte[] ok = codec.encode(List.of("a"));
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(ok))) {
      in.setObjectInputFilter(codec.inputFilter(-1, null));
      assertEquals(List.of("a"), in.readObject());
    }
    byte[] refused = codec.encode(List.of(new AtomicLong()));
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(refused))) {
      in.setObjectInputFilter(codec.inputFilter(refused.length, null));
      InvalidClassException e = assertThrows(InvalidClassException.class, in::readObject);
      CodecException cause = assertInstanceOf(CodecException.class, e.getCause());
      assertEquals("java.util.concurrent.atomic.AtomicLong", cause.refusedClass().orElseThrow());
    }
    byte[] deep = codec.encode(List.of(List.of(List.of(List.of()))));
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(deep))) {
      in.setObjectInputFilter(codec.inputFilter(-1, null));
      InvalidClassException e = assertThrows(InvalidClassException.class, in::readObject);
      assertTrue(e.getCause().getMessage().contains("maxDepth"), e.getCause().getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> codec.inputFilter(-2, null));
  }
}
