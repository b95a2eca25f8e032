/**
 * eio-cluster: eio across machines on Hazelcast. Cluster members owned by switches, the same
 * {@code Parallel} calls on members, cancellation over the wire, distributed channels, hubs and
 * MPI-style groups, typed RPC ({@code dev.eio.rpc}) and actors across members
 * ({@code dev.eio.cluster.actor}).
 */
// Hazelcast ships as an automatic module; its types appear in our API (members, configs), so
// users need it read transitively whatever its module status.
@SuppressWarnings("requires-transitive-automatic")
module dev.eio.cluster {
  requires transitive dev.eio.core;
  requires transitive dev.eio.actor;
  requires transitive com.hazelcast.core;

  exports dev.eio.cluster;
  exports dev.eio.rpc;
  exports dev.eio.cluster.actor;
}
