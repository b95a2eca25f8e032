/**
 * Actors across cluster members: spawn an actor on a member, send its reference anywhere in the
 * cluster, monitor it from other members ({@link dev.eio.cluster.actor.ClusterActors}). Delivery
 * across members is at most once and in order per sender and receiver (ADR 36).
 */
package dev.eio.cluster.actor;
