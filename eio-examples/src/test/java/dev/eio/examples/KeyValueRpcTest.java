package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(240)
class KeyValueRpcTest {
  @Test
  void aStoreServedOnAMemberJvmAnswersThroughItsInterface() {
    System.setProperty("hazelcast.logging.type", "none");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Eio.run(env -> KeyValueRpc.run(env, out));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("get(language) = Java, size() = 2"), text);
    assertTrue(text.contains("get(colour) threw Missing: no value for 'colour'"), text);
    assertTrue(text.contains("await(never) timed out after 500 ms; the member stopped it"), text);
    assertTrue(text.contains("size() = 2\n"), text);
  }
}
