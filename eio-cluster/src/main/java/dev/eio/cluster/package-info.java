/**
 * eio across machines, on Hazelcast: cluster members owned by switches, {@code Parallel} on
 * members, distributed channels, hubs and MPI-style groups.
 */
package dev.eio.cluster;
