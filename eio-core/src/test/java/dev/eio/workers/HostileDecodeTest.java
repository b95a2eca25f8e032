package dev.eio.workers;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Cancelled;
import dev.eio.Eio;
import dev.eio.Time;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bytes crafted to make decoding allocate, recurse or compute without bound. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileDecodeTest {
  private final SerializationCodec codec = SerializationCodec.defaults();

  @Test
  void aLongArrayClaimingTwoBillionElementsIsRefusedNotAllocated() {
    byte[] bytes = HostilePayloads.forgedLongArray();
    assertTrue(bytes.length < 40, "the attack is " + bytes.length + " bytes");
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertTrue(e.getMessage().contains("array"), e.getMessage());
  }

  @Test
  void anArrayListWithAForgedSizeIsRefusedNotAllocated() {
    byte[] bytes = HostilePayloads.forgedArrayList();
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertTrue(e.getMessage().contains("array"), e.getMessage());
  }

  @Test
  void aForgedLengthUnderMaxArrayLengthIsStillRefusedWhenTheBytesCannotHoldIt() {
    // 1 Mi longs is under every array limit, but 8 MiB cannot follow in a 27-byte encoding.
    byte[] bytes = HostilePayloads.forgedLongArray();
    java.nio.ByteBuffer.wrap(bytes).putInt(bytes.length - 4, 1 << 20);
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertTrue(e.getMessage().contains("forged length"), e.getMessage());
    // An honest array of the same length passes.
    long[] honest = new long[1 << 20];
    assertArrayEquals(honest, (long[]) codec.decode(codec.encode(honest), null));
  }

  @Test
  void setsNestedSixtyDeepAreRefusedBeforeTheirHashingExplodes() {
    byte[] bytes = codec.encode(HostilePayloads.nestedSets(60));
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void setsSharingTheirMembersUnderTheDepthLimitAreRefusedBeforeTheirHashingExplodes() {
    byte[] bytes = codec.encode(HostilePayloads.sharedSets(8, 12)); // 8^12 to hash
    assertTrue(bytes.length < 20_000, "the attack is " + bytes.length + " bytes");
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, null));
    assertTrue(e.getMessage().contains("once per path"), e.getMessage());
    // Shallow sharing passes.
    Set<?> shallow = (Set<?>) codec.decode(codec.encode(HostilePayloads.sharedSets(3, 3)), null);
    assertEquals(3, shallow.size());
  }

  @Test
  void aTimeoutCancelsASlowDecodeWithCancelledNotCodecException() {
    byte[] bytes = codec.encode(HostilePayloads.collidingKeys(50_000)); // ~2 min to decode
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Optional<Object> value =
        Eio.call(
            env ->
                Time.withTimeout(
                    env.clock(),
                    Duration.ofMillis(200),
                    () -> {
                      try {
                        return codec.decode(bytes, null);
                      } catch (RuntimeException e) {
                        seen.set(e);
                        throw e;
                      }
                    }));
    assertTrue(value.isEmpty(), "the decode was not cancelled");
    assertInstanceOf(Cancelled.class, seen.get());
  }

  /** Stands for any Error a class's readObject raises while decoding. */
  static final class ThrowsError implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException {
      throw new OutOfMemoryError("simulated: Java heap space");
    }
  }

  @Test
  void anErrorRaisedWhileDecodingBecomesCodecException() {
    byte[] bytes = codec.encode(List.of(new ThrowsError()).toArray());
    CodecException e =
        assertThrows(
            CodecException.class,
            () -> codec.decode(bytes, c -> c.getNestHost() == HostileDecodeTest.class));
    assertInstanceOf(OutOfMemoryError.class, e.getCause());
    assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
  }

  @Test
  void aStackOverflowWhileDecodingBecomesCodecException() throws Exception {
    // Nested lists within a raised maxDepth: deep enough to overflow a small stack.
    List<Object> deep = new ArrayList<>();
    List<Object> inner = deep;
    for (int i = 0; i < 20_000; i++) {
      List<Object> next = new ArrayList<>();
      inner.add(next);
      inner = next;
    }
    SerializationCodec lenient =
        codec.withLimits(DecodeLimits.defaults().withMaxDepth(1_000_000));
    AtomicReference<Object> out = new AtomicReference<>();
    Thread encoder = new Thread(null, () -> out.set(lenient.encode(deep)), "encoder", 1L << 30);
    encoder.start();
    encoder.join();
    byte[] bytes = (byte[]) out.get();
    Thread decoder =
        new Thread(
            null,
            () -> {
              try {
                out.set(lenient.decode(bytes, null));
              } catch (Throwable t) {
                out.set(t);
              }
            },
            "decoder",
            256 << 10);
    decoder.start();
    decoder.join();
    CodecException e = assertInstanceOf(CodecException.class, out.get());
    assertInstanceOf(StackOverflowError.class, e.getCause());
    assertTrue(e.getMessage().contains("too deep"), e.getMessage());
  }
}
