/**
 * eio-net: sockets owned by switches, servers with limits (see the net issue; this module is
 * where that code lands).
 */
module dev.eio.net {
  requires transitive dev.eio.core;
}
