package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import dev.eio.io.BufferSink;
import dev.eio.io.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NetExamplesTest {
  @Test
  void echoServerEchoesEveryClientExactlyAndStopsGracefully() {
    BufferSink out = Flow.bufferSink();
    Eio.run(env -> EchoServer.run(env, 5, 4, out));
    assertEquals(
        """
        client 0: 4 messages, echo exact
        client 1: 4 messages, echo exact
        client 2: 4 messages, echo exact
        client 3: 4 messages, echo exact
        client 4: 4 messages, echo exact
        server stopped after 5 connections
        """,
        out.toString());
  }

  @Test
  void chatServerBroadcastsToEveryOtherMemberAndMembersLeaveCleanly() {
    BufferSink out = Flow.bufferSink();
    Eio.run(env -> ChatServer.run(env, out));
    assertEquals(
        """
        alice <- welcome alice
        alice <- * bob joined
        alice <- * carol joined
        alice <- bob: hello alice
        alice <- * carol left
        alice <- * bob left
        alice <- bye alice
        alice <- (closed)
        bob <- welcome bob
        bob <- * carol joined
        bob <- alice: hi all
        bob <- * carol left
        bob <- bye bob
        bob <- (closed)
        carol <- welcome carol
        carol <- alice: hi all
        carol <- bob: hello alice
        carol <- bye carol
        carol <- (closed)
        """,
        out.toString());
  }
}
