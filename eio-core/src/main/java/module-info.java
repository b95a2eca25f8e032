/**
 * eio-core: switches, fibers on virtual threads, cancellation, promises, and byte flows ({@code
 * dev.eio.io}: sources, sinks, buffered readers and writers).
 *
 * <p>Start with {@link dev.eio.Eio#run} and {@link dev.eio.Switch}.
 */
module dev.eio.core {
  exports dev.eio;
  exports dev.eio.io;
}
