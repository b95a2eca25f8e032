package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SerializationCodecTest {
  private final SerializationCodec codec = SerializationCodec.defaults();

  enum Color {
    RED
  }

  record Pair(String a, Object b) implements Serializable {}

  private Object roundTrip(SerializationCodec c, Object v) {
    return c.decode(c.encode(v), null);
  }

  @Test
  void jdkValueTypesCrossTheAllowList() {
    List<Object> values =
        List.of(
            1, 2L, 3.0, 'c', true, (byte) 4, (short) 5, 6f, "text",
            new BigDecimal("1.50"),
            UUID.randomUUID(),
            Instant.parse("2026-01-01T00:00:00Z"),
            LocalDate.of(2026, 1, 2),
            Duration.ofSeconds(3),
            new ArrayList<>(List.of(1, 2)),
            new HashMap<>(Map.of("k", List.of("v"))),
            new TreeMap<>(Map.of(1, "one")),
            Set.of("a"),
            Map.of("x", 1),
            List.of());
    for (Object v : values) {
      assertEquals(v, roundTrip(codec, v), () -> "round trip of " + v.getClass());
    }
    assertArrayEquals(new String[] {"a", "b"}, (String[]) roundTrip(codec, new String[] {"a", "b"}));
    assertArrayEquals(new long[][] {{1}, {2, 3}}, (long[][]) roundTrip(codec, new long[][] {{1}, {2, 3}}));
    assertNull(roundTrip(codec, null));
  }

  @Test
  void exceptionsCrossWithTheirCausesAndStackTraces() {
    IllegalStateException e = new IllegalStateException("outer", new ArithmeticException("inner"));
    e.addSuppressed(new UnsupportedOperationException("suppressed"));
    Throwable back = (Throwable) roundTrip(codec, e);
    assertInstanceOf(IllegalStateException.class, back);
    assertEquals("inner", back.getCause().getMessage());
    assertEquals("suppressed", back.getSuppressed()[0].getMessage());
    assertArrayEquals(e.getStackTrace(), back.getStackTrace());
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedWithItsName() {
    byte[] bytes = codec.encode(List.of(new AtomicLong(1)));
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertEquals("java.util.concurrent.atomic.AtomicLong", e.refusedClass().orElseThrow());
    assertTrue(e.getMessage().contains("java.util.concurrent.atomic.AtomicLong"), e.getMessage());

    byte[] array = codec.encode(new AtomicLong[] {new AtomicLong(2)});
    CodecException a = assertThrows(CodecException.class, () -> codec.decode(array, null));
    assertEquals("java.util.concurrent.atomic.AtomicLong[]", a.refusedClass().orElseThrow());
  }

  @Test
  void registeredAndCallerAllowedClassesAreAccepted() {
    SerializationCodec open = codec.allowing(AtomicLong.class);
    assertEquals(7, ((AtomicLong) roundTrip(open, new AtomicLong(7))).get());
    assertEquals(Set.of("java.util.concurrent.atomic.AtomicLong"), open.registered());
    assertTrue(codec.registered().isEmpty(), "allowing returns a new codec");

    Pair p = new Pair("a", Color.RED);
    assertThrows(CodecException.class, () -> codec.decode(codec.encode(p), null));
    assertEquals(
        p, codec.decode(codec.encode(p), c -> c.getNestHost() == SerializationCodecTest.class));
  }

  @Test
  void aValueThatIsNotSerializableIsRefusedOnEncodeWithItsClass() {
    CodecException e =
        assertThrows(CodecException.class, () -> codec.encode(List.of(new Object())));
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    assertThrows(NullPointerException.class, () -> codec.allowing((Class<?>) null));
    assertThrows(CodecException.class, () -> codec.decode(new byte[] {1, 2, 3}, null));
  }
}
