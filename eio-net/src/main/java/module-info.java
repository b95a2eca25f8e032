/**
 * eio-net: sockets owned by switches (TCP, Unix domain, UDP), servers with connection limits and
 * graceful stop, name lookups with bounded concurrency. Start with {@link dev.eio.net.Net#of}.
 */
module dev.eio.net {
  requires transitive dev.eio.core;

  exports dev.eio.net;
}
