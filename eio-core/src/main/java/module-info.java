/**
 * eio-core: switches, fibers on virtual threads, cancellation, promises.
 *
 * <p>Start with {@link dev.eio.Eio#run} and {@link dev.eio.Switch}.
 */
module dev.eio.core {
  exports dev.eio;
  exports dev.eio.io;
}
