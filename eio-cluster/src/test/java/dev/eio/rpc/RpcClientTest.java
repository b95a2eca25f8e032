package dev.eio.rpc;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.WrappedCheckedException;
import dev.eio.internal.rpc.Client;
import dev.eio.internal.rpc.Contract;
import dev.eio.internal.rpc.RpcCall;
import dev.eio.workers.CodecException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The client proxy and the contract alone, over a fake transport: no cluster, no worker. */
class RpcClientTest {
  private static Store over(Function<RpcCall, Object> transport) {
    return Client.proxy(Store.class, transport, "fake", null);
  }

  @Test
  void aCallNamesItsMethodByNameAndParameterTypes() {
    List<RpcCall> sent = new ArrayList<>();
    Store s =
        over(
            call -> {
              sent.add(call);
              return call.method().startsWith("length") ? 3 : null;
            });
    s.put("k", "v");
    assertEquals(3, s.length(new byte[3]));
    assertEquals(Store.class.getName(), sent.get(0).service());
    assertEquals("put(java.lang.String,java.lang.String)", sent.get(0).method());
    assertArrayEquals(new Object[] {"k", "v"}, sent.get(0).args());
    assertEquals("length(byte[])", sent.get(1).method());
  }

  @Test
  void aForgedReplyThatDoesNotFitTheReturnTypeIsRefused() {
    CodecException e = assertThrows(CodecException.class, () -> over(call -> "not a number").size());
    assertTrue(e.getMessage().contains("returned a java.lang.String, not a int"), e.getMessage());
    assertThrows(CodecException.class, () -> over(call -> null).size());
    assertThrows(CodecException.class, () -> over(call -> 1).put("k", "v"));
  }

  @Test
  void onlyADeclaredCheckedExceptionIsUnwrapped() throws Exception {
    Store declared = over(call -> { throw new WrappedCheckedException(new Store.NotFound("k")); });
    Store.NotFound nf = assertThrows(Store.NotFound.class, () -> declared.get("k"));
    assertTrue(nf.getSuppressed()[0].getMessage().contains("get(java.lang.String) called on fake"));
    Store undeclared = over(call -> { throw new WrappedCheckedException(new IOException("disk")); });
    WrappedCheckedException w = assertThrows(WrappedCheckedException.class, () -> undeclared.get("k"));
    assertInstanceOf(IOException.class, w.getCause());
  }

  @Test
  void objectMethodsStayLocalAndBadContractsAreRefusedNamingWhy() {
    Store s = over(call -> fail("sent " + call));
    assertEquals(s, s);
    assertNotEquals(s, over(call -> null));
    assertEquals(System.identityHashCode(s), s.hashCode());
    assertEquals("RpcClient[" + Store.class.getName() + " on fake]", s.toString());
    IllegalArgumentException notInterface =
        assertThrows(IllegalArgumentException.class, () -> Contract.of(MemoryStore.class));
    assertTrue(notInterface.getMessage().contains("must be an interface"), notInterface.getMessage());
    IllegalArgumentException generic =
        assertThrows(IllegalArgumentException.class, () -> Contract.of(Comparable.class));
    assertTrue(generic.getMessage().contains("type parameters"), generic.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Client.proxy(Store.class, call -> null, "fake", Duration.ZERO));
  }
}
