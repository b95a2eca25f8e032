package dev.eio.examples;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(60)
class ObservedServiceTest {

  @Test
  void everyLogLineOfEveryForkedFiberCarriesItsRequestId() {
    Logger logger = (Logger) LoggerFactory.getLogger(ObservedService.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    SimpleMeterRegistry registry;
    try {
      registry = ObservedService.serve(4);
    } finally {
      logger.detachAppender(lines);
    }
    List<ILoggingEvent> events = lines.list;
    assertEquals(4 * 5, events.size(), "five lines per request");
    Map<String, List<ILoggingEvent>> byRequest =
        events.stream()
            .collect(Collectors.groupingBy(e -> String.valueOf(e.getMDCPropertyMap().get("requestId"))));
    assertEquals(
        java.util.Set.of("req-1", "req-2", "req-3", "req-4"), byRequest.keySet(), "no line without an id");
    for (var e : byRequest.entrySet()) {
      List<String> messages = e.getValue().stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertTrue(messages.contains("loading the user"), messages.toString());
      assertTrue(messages.contains("writing the audit record"), messages.toString());
      // the forked fibers ran on threads of their own, and still saw the id
      assertTrue(
          e.getValue().stream().map(ILoggingEvent::getThreadName).distinct().count() >= 3,
          e.getValue().stream().map(ILoggingEvent::getThreadName).toList().toString());
    }
    assertTrue(registry.get("eio.fibers.started").functionCounter().count() >= 4 * 3);
  }
}
