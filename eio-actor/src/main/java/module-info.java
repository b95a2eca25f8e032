/**
 * eio-actor: actors on eio fibers. An actor is a fiber with a typed mailbox, spawned in a
 * switch, so no actor outlives the code that started it; references, selective receive, ask,
 * monitors, links, supervisors and registered names are in {@code dev.eio.actor}.
 */
module dev.eio.actor {
  requires transitive dev.eio.core;
  requires org.jctools.core;

  exports dev.eio.actor;
  // The cluster's remote references hook into local ones (wire forms, quiet exit listeners).
  exports dev.eio.internal.actor to dev.eio.cluster;
}
