/**
 * eio-core: switches, fibers on virtual threads, cancellation, promises, byte flows ({@code
 * dev.eio.io}: sources, sinks, buffered readers and writers), child processes ({@code
 * dev.eio.process}) and directory capabilities ({@code dev.eio.fs}).
 *
 * <p>Start with {@link dev.eio.Eio#run} and {@link dev.eio.Switch}. Micrometer's metrics and
 * context-propagation libraries are optional: eio runs without them.
 */
// "module": the qualified export below names dev.eio.net, which is built after this module, so
// javac cannot see it here; it exists at run time.
@SuppressWarnings("module")
module dev.eio.core {
  requires jdk.jfr;
  requires java.management; // workers inherit --enable-preview from the parent JVM
  requires static micrometer.core;
  requires static context.propagation;

  exports dev.eio;
  exports dev.eio.fs;
  exports dev.eio.io;
  exports dev.eio.metrics;
  exports dev.eio.parallel;
  exports dev.eio.process;
  exports dev.eio.workers;
  exports dev.eio.internal.events to
      jdk.jfr;
  // For eio-net's accept, which must be cancelled by closing, not interrupting (FiberState); for
  // eio-test, which follows the fibers of a test's switch (FiberMonitor).
  exports dev.eio.internal to
      dev.eio.net,
      dev.eio.test;
}
