/**
 * eio-test: a JUnit 5 kit for code written with eio. {@link dev.eio.test.EioTest} runs a test
 * method under {@link dev.eio.Eio#run} or on a {@link dev.eio.VirtualClock}, injects its {@link
 * dev.eio.Env}, {@link dev.eio.Switch} and {@link dev.eio.Clock}, fails a test that leaves a fiber
 * behind, and prints {@link dev.eio.Eio#dump()} when a test outlives its time limit.
 */
module dev.eio.test {
  requires transitive dev.eio.core;
  requires transitive org.junit.jupiter.api;

  exports dev.eio.test;
}
