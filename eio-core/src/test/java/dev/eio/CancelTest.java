package dev.eio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CancelTest {

  @Test
  void cancellingASubContextCancelsItsFibersButNotTheCaller() {
    RuntimeException why = new RuntimeException("enough");
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Cancel.sub(
                    ctx ->
                        Switch.run(
                            sw -> {
                              sw.fork(Fiber::awaitCancel);
                              sw.fork(() -> ctx.cancel(why));
                            })));
    assertSame(why, c.reason());
    assertFalse(Fiber.isCancelled(), "the caller's context is untouched");
    Fiber.check();
  }

  @Test
  void subCallReturnsItsValue() {
    assertEquals("v", Cancel.subCall(ctx -> "v"));
  }

  @Test
  void aProtectedRegionIsNotCancelledAndSeesTheCancellationWhenItEnds() {
    AtomicBoolean protectedSlept = new AtomicBoolean();
    assertThrows(
        Cancelled.class,
        () ->
            Cancel.sub(
                ctx -> {
                  ctx.cancel(new RuntimeException("x"));
                  Cancel.protect(
                      () -> {
                        assertFalse(Fiber.isCancelled());
                        Thread.sleep(5);
                        protectedSlept.set(true);
                      });
                  assertTrue(Fiber.isCancelled());
                  Thread.sleep(1000); // JDK code sees the cancellation again after protect
                }));
    assertTrue(protectedSlept.get());
  }

  @Test
  void protectReturnsItsValue() {
    assertEquals(3, Cancel.protect(() -> 3));
  }

  @Test
  void cancelledCarriesTheReason() {
    IllegalStateException why = new IllegalStateException("why");
    Cancelled c = new Cancelled(why);
    assertSame(why, c.reason());
    assertSame(why, c.getCause());
    assertNull(new Cancelled("plain").reason());
  }

  @Test
  void anInterruptedExceptionFromJdkCodeCountsAsCancellation() {
    Cancelled c =
        assertThrows(
            Cancelled.class,
            () ->
                Switch.run(
                    sw -> {
                      CountDownLatch taking = new CountDownLatch(1);
                      sw.fork(
                          () -> {
                            taking.countDown();
                            new LinkedBlockingQueue<String>().take(); // JDK blocking code
                          });
                      taking.await();
                      sw.fail(new Cancelled("stop"));
                    }));
    assertEquals("stop", c.getMessage());
    // An InterruptedException escaping a fiber is a cancellation, not a checked failure.
    assertThrows(
        Cancelled.class,
        () ->
            Switch.run(
                sw ->
                    sw.fork(
                        () -> {
                          throw new InterruptedException("from JDK code");
                        })));
  }

  @Test
  void ourBlockingOperationsThrowCancelledNotInterruptedException() {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Cancel.sub(
        ctx -> {
          ctx.cancel(new RuntimeException("r"));
          try {
            Promise.<String>create().await();
          } catch (Throwable t) {
            seen.set(t);
          }
        });
    assertInstanceOf(Cancelled.class, seen.get());
  }

  @Test
  void aCancellationOfALeftSubContextDoesNotLeakIntoTheParent() {
    Cancel.sub(ctx -> ctx.cancel(new RuntimeException("inner only")));
    assertFalse(Thread.currentThread().isInterrupted());
    assertFalse(Fiber.isCancelled());
  }
}
