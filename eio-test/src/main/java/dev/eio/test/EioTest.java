package dev.eio.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test whose body runs under eio: in place of {@code @Test}, it runs the method inside
 * {@link dev.eio.Eio#run} (or {@link dev.eio.VirtualClock#run} with {@link #virtualTime()}) and a
 * switch named {@code test}, and passes it the {@link dev.eio.Env}, {@link dev.eio.Switch}, {@link
 * dev.eio.Clock} and {@link dev.eio.VirtualClock} parameters it declares.
 *
 * <p><b>Guarantees.</b>
 *
 * <ul>
 *   <li><b>No fiber left behind.</b> A fiber forked into the test's switch (by {@code fork} or
 *       {@code forkPromise}; daemons excepted) that is still running once the method has returned
 *       fails the test with an error naming it and where it is blocked, and is then cancelled.
 *       With the system clock such a fiber gets {@value EioTestExtension#LEAK_GRACE_SECONDS}
 *       seconds to end on its own first (it may be finishing its last lines); on virtual time the
 *       kit runs the other fibers until all are blocked ({@link
 *       dev.eio.VirtualClock#runUntilIdle()}) without moving time, and checks then.
 *   <li><b>A time limit, with a dump.</b> A test still running after {@link #timeout()} of real
 *       time prints {@link dev.eio.Eio#dump()} (every fiber, where it is blocked) on standard
 *       error, is cancelled, and fails with the dump in its message. A fiber that ignores
 *       cancellation keeps the test waiting even then (only the build's fork timeout ends it),
 *       but the dump has already named it.
 *   <li>A failure of the method, or of a fiber of its switch, fails the test as the same
 *       exception (the rules of {@link dev.eio.Switch}); a {@link dev.eio.Deadlock} on virtual
 *       time fails it naming every blocked fiber.
 * </ul>
 *
 * <p>{@code @BeforeEach} and {@code @AfterEach} methods run outside eio, on JUnit's thread.
 *
 * <pre>{@code
 * import dev.eio.*;
 * import dev.eio.test.EioTest;
 * import java.time.*;
 * import static org.junit.jupiter.api.Assertions.*;
 *
 * class RetryTest {
 *   @EioTest(virtualTime = true, timeout = "10s")
 *   void retriesAfterOneMinute(Switch sw, VirtualClock clock) {
 *     Promise<String> reply = sw.forkPromise(() -> {
 *       clock.sleep(Duration.ofMinutes(1));           // the service's retry delay
 *       return "ok";
 *     });
 *     clock.advance(Duration.ofSeconds(59));
 *     assertFalse(reply.isResolved());
 *     clock.advance(Duration.ofSeconds(1));           // the fiber ran; nothing waited in real time
 *     assertEquals("ok", reply.await());
 *     assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(1)), clock.now());
 *   }
 *
 *   @EioTest
 *   void echoes(Env env, Switch sw) {
 *     Channel<String> ch = Channel.create(0);
 *     sw.fork(() -> ch.send("hi"));                   // joined by the receive below
 *     assertEquals("hi", ch.receive());
 *   }
 * }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(EioTestExtension.class)
public @interface EioTest {
  /**
   * Whether the test runs on a {@link dev.eio.VirtualClock}: its {@link dev.eio.Clock} parameter
   * and {@code env.clock()} are then the virtual clock, time jumps whenever every fiber is
   * blocked, and a {@code VirtualClock} parameter gives manual control ({@code advance}, {@code
   * runUntilIdle}, {@code now}).
   */
  boolean virtualTime() default false;

  /**
   * The test's limit in real time, such as {@code "500ms"}, {@code "10s"}, {@code "2m"}, {@code
   * "1h"} or an ISO-8601 duration ({@code "PT10S"}); it must be positive.
   */
  String timeout() default "60s";
}
