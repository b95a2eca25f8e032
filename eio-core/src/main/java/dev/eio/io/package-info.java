/**
 * Byte flows: {@link dev.eio.io.Source}, {@link dev.eio.io.Sink}, {@link dev.eio.io.TwoWay},
 * {@link dev.eio.io.Flow#copy}, the parser {@link dev.eio.io.BufReader} and the coalescing
 * {@link dev.eio.io.BufWriter}.
 *
 * <p>All operations are blocking calls for fibers: they throw {@link dev.eio.Cancelled} when the
 * fiber is cancelled and {@link java.io.UncheckedIOException} on I/O failure; end of input is
 * {@code -1} from {@code read}. Adapters never close the channels and streams they wrap.
 */
package dev.eio.io;
