package dev.eio.cluster;

import dev.eio.workers.Codec;
import dev.eio.workers.SerializationCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Cluster} member or client finds its cluster: the cluster's name, the addresses of
 * its members, the address this member binds to, the codec every task and value crosses with.
 * The defaults need nothing on one machine: loopback only (127.0.0.1, never the wildcard),
 * TCP-IP join (no multicast), Hazelcast's phone-home off, its logging off.
 *
 * <p>Guarantees: a member binds only to {@link #host()} (Hazelcast's {@code
 * hazelcast.socket.bind.any} is off). Instances are immutable, thread-safe and serializable (local
 * member JVMs receive theirs); the {@code with*} methods return new instances.
 *
 * <pre>{@code
 * ClusterConfig local = ClusterConfig.local("render-farm");
 * ClusterConfig lan = ClusterConfig.local("render-farm")
 *     .withHost("10.0.0.5").withPort(5701)
 *     .withMembers(List.of("10.0.0.5:5701", "10.0.0.6:5701"))
 *     .withCodec(SerializationCodec.defaults().allowing(Frame.class, Renderer.class));
 * }</pre>
 */
public final class ClusterConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How long a client tries to reach the cluster, and a member waits for the members it expects. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private final String name;
  private final String host;
  private final int port;
  private final List<String> members;
  private final Codec codec;
  private final Duration connectTimeout;
  private final int expectedMembers;
  private final boolean logging;

  private ClusterConfig(
      String name,
      String host,
      int port,
      List<String> members,
      Codec codec,
      Duration connectTimeout,
      int expectedMembers,
      boolean logging) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.members = members;
    this.codec = codec;
    this.connectTimeout = connectTimeout;
    this.expectedMembers = expectedMembers;
    this.logging = logging;
  }

  /**
   * The cluster {@code name} on this machine: bound to 127.0.0.1 on a free port, no other members
   * listed, {@link SerializationCodec#defaults()}, a {@linkplain #DEFAULT_CONNECT_TIMEOUT 20 s}
   * connect timeout, Hazelcast's logging off.
   *
   * @throws IllegalArgumentException when {@code name} is blank
   */
  public static ClusterConfig local(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
    }
    return new ClusterConfig(
        name, "127.0.0.1", 0, List.of(), SerializationCodec.defaults(), DEFAULT_CONNECT_TIMEOUT, 0, false);
  }

  /** This config, binding a member to {@code host} (an address of this machine). */
  public ClusterConfig withHost(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      throw new IllegalArgumentException(
          "host must be one address of this machine, not '" + host + "': members never bind to"
              + " the wildcard address");
    }
    return new ClusterConfig(name, host, port, members, codec, connectTimeout, expectedMembers, logging);
  }

  /**
   * This config, a member listening on {@code port} (0: a free port picked at start).
   *
   * @throws IllegalArgumentException when {@code port} is outside 0..65535
   */
  public ClusterConfig withPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    return new ClusterConfig(name, host, port, members, codec, connectTimeout, expectedMembers, logging);
  }

  /**
   * This config, with the members to join or connect to, each {@code host:port} (a port range is
   * refused: Hazelcast 5.7 crashes on one with a bound interface).
   *
   * @throws IllegalArgumentException when an address is not {@code host:port}
   */
  public ClusterConfig withMembers(List<String> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    List<String> checked = new ArrayList<>(addresses.size());
    for (int i = 0; i < addresses.size(); i++) {
      String a = Objects.requireNonNull(addresses.get(i), "addresses[" + i + "]");
      int colon = a.lastIndexOf(':');
      int p;
      try {
        p = colon <= 0 ? -1 : Integer.parseInt(a.substring(colon + 1));
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(
            "addresses[" + i + "] must be host:port with a port in 1..65535, got '" + a + "'");
      }
      checked.add(a);
    }
    return new ClusterConfig(name, host, port, List.copyOf(checked), codec, connectTimeout, expectedMembers, logging);
  }

  /** This config, with {@code codec} for tasks, values and everything else Java-serialized. */
  public ClusterConfig withCodec(Codec codec) {
    Objects.requireNonNull(codec, "codec");
    return new ClusterConfig(name, host, port, members, codec, connectTimeout, expectedMembers, logging);
  }

  /**
   * This config, giving up on reaching the cluster after {@code timeout}.
   *
   * @throws IllegalArgumentException when {@code timeout} is not positive
   */
  public ClusterConfig withConnectTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return new ClusterConfig(name, host, port, members, codec, timeout, expectedMembers, logging);
  }

  /**
   * This config, a member's start waiting until the cluster has {@code count} members (itself
   * included), failing with {@link ClusterUnreachableException} after the connect timeout.
   */
  public ClusterConfig withExpectedMembers(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return new ClusterConfig(name, host, port, members, codec, connectTimeout, count, logging);
  }

  /** This config, with Hazelcast's logging (through JUL) on or off (off by default). */
  public ClusterConfig withLogging(boolean on) {
    return new ClusterConfig(name, host, port, members, codec, connectTimeout, expectedMembers, on);
  }

  /** The cluster's name; members and clients of other names never join. */
  public String name() {
    return name;
  }

  /** The address a member binds to. */
  public String host() {
    return host;
  }

  /** The port a member listens on, 0 for a free one. */
  public int port() {
    return port;
  }

  /** The members' addresses, {@code host:port}. */
  public List<String> members() {
    return members;
  }

  /** The codec of tasks, values and everything else Java-serialized on the cluster. */
  public Codec codec() {
    return codec;
  }

  /** How long to try to reach the cluster. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How many members a member waits for at start (0: none). */
  public int expectedMembers() {
    return expectedMembers;
  }

  /** Whether Hazelcast logs. */
  public boolean logging() {
    return logging;
  }

  @Override
  public String toString() {
    return "ClusterConfig[" + name + ", " + host + ":" + (port == 0 ? "any" : port) + ", members " + members + ", " + codec + "]";
  }
}
