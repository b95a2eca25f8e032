/**
 * Worker processes: tasks run in other JVMs started from this one, owned by switches, for
 * isolation from crashes, native code, leaks and {@code System.exit}.
 *
 * <p>Start with {@link dev.eio.workers.Workers#of}: {@code run} for one task in a fresh worker,
 * {@code pool} for a {@link dev.eio.workers.WorkerPool}. Values cross through a {@link
 * dev.eio.workers.Codec}, by default {@link dev.eio.workers.SerializationCodec} (Java
 * serialization behind an allow-list). See ADR 14 for the transport and lifecycle.
 */
package dev.eio.workers;
