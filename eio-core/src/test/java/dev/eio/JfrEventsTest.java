package dev.eio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class JfrEventsTest {

  @Test
  void switchesFailuresAndCancellationsAreRecorded() {
    List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    try (RecordingStream rs = new RecordingStream()) {
      for (String e :
          List.of(
              "dev.eio.SwitchOpened",
              "dev.eio.SwitchClosed",
              "dev.eio.FiberFailed",
              "dev.eio.CancellationDelivered",
              "dev.eio.DomainJob")) {
        rs.enable(e);
        rs.onEvent(e, events::add);
      }
      rs.startAsync();
      // startAsync can return before events committed right away reach the stream (an event the
      // stream places before its start is dropped): wait until one committed after it arrives.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Switch.run("jfr-probe", sw -> {});
                return has(events, "dev.eio.SwitchOpened", "switchName", "jfr-probe");
              });
      Switch.run("jfr-ok", sw -> sw.fork(() -> {}));
      assertThrows(
          IllegalStateException.class,
          () ->
              Switch.run(
                  "jfr-failing",
                  sw ->
                      sw.fork(
                          () -> {
                            throw new IllegalStateException("boom");
                          })));
      Switch.run(
          "jfr-domains",
          sw -> dev.eio.parallel.DomainManager.create(sw, 1).run(() -> "computed"));
      // stop, unlike close, waits until every event of the recording has been handed to the
      // handlers, whichever thread's buffer held it: only then is the list complete.
      assertTrue(rs.stop());
    }
    assertTrue(has(events, "dev.eio.SwitchOpened", "switchName", "jfr-ok"));
    assertTrue(has(events, "dev.eio.DomainJob", "outcome", "ok"), events.toString());
    RecordedEvent ok = find(events, "dev.eio.SwitchClosed", "jfr-ok");
    assertEquals("ok", ok.getString("outcome"));
    assertEquals(1, ok.getInt("fibersForked"));
    assertFalse(ok.getDuration().isNegative());
    RecordedEvent failed = find(events, "dev.eio.SwitchClosed", "jfr-failing");
    assertTrue(failed.getString("outcome").startsWith("failed: java.lang.IllegalStateException: boom"));
    RecordedEvent fiberFailed = find(events, "dev.eio.FiberFailed", "jfr-failing");
    assertEquals("jfr-failing/1", fiberFailed.getString("fiberName"));
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e.getEventType().getName().equals("dev.eio.CancellationDelivered")
                        && e.getString("context").startsWith("switch jfr-failing")
                        && e.getString("reason").contains("boom")));
  }

  private static boolean has(List<RecordedEvent> events, String type, String field, String value) {
    return events.stream()
        .anyMatch(e -> e.getEventType().getName().equals(type) && value.equals(e.getString(field)));
  }

  private static RecordedEvent find(List<RecordedEvent> events, String type, String switchName) {
    return events.stream()
        .filter(
            e ->
                e.getEventType().getName().equals(type)
                    && switchName.equals(e.getString("switchName")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " for " + switchName + " in " + events));
  }
}
