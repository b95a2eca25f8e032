package dev.eio.internal.cluster.core;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.GlobalSerializerConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hazelcast configurations with eio's defaults: loopback or one named address (never the wildcard:
 * {@code hazelcast.socket.bind.any} off), TCP-IP join, no multicast, no phone-home, logging off
 * unless asked, eio's serialization (the codec as Hazelcast's Java serialization, eio's types by
 * id), the "eio" executor sized to the machine and a small control executor.
 */
public final class HazelcastSetup {
  /** The executor of eio tasks. */
  public static final String EXECUTOR = "eio";
  /** The executor of cancellation waits, apart so that they never queue behind work. */
  public static final String CONTROL = "eio-control";
  /** The member attribute holding how many tasks a member runs at once. */
  public static final String SLOTS = "eio.slots";

  private HazelcastSetup() {}

  /**
   * A member's configuration.
   *
   * @param members every member's {@code host:port}, this one's included
   */
  public static Config member(
      String cluster, String instance, String host, int port, List<String> members, Wire wire, boolean logging) {
    Config c = new Config();
    c.setClusterName(cluster);
    c.setInstanceName(instance);
    common(c.getProperties()::setProperty, logging);
    // A member that starts alone waits this long for others before forming its own cluster.
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "20");
    c.setProperty("hazelcast.local.localAddress", host);
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(port).setPortAutoIncrement(false);
    JoinConfig join = n.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(members));
    int cores = Runtime.getRuntime().availableProcessors();
    c.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(8, 4 * cores));
    c.getExecutorConfig(CONTROL).setPoolSize(4);
    c.getMemberAttributeConfig().setAttribute(SLOTS, Integer.toString(cores));
    serialization(c.getSerializationConfig(), wire);
    c.setUserContext(new java.util.concurrent.ConcurrentHashMap<>(Map.of(Wire.USER_CONTEXT_KEY, wire)));
    return c;
  }

  /** A client's configuration, trying {@code members} for at most {@code timeoutMillis}. */
  public static ClientConfig client(
      String cluster, String instance, List<String> members, long timeoutMillis, Wire wire, boolean logging) {
    ClientConfig c = new ClientConfig();
    c.setClusterName(cluster);
    c.setInstanceName(instance);
    common(c.getProperties()::setProperty, logging);
    c.getNetworkConfig().setAddresses(new ArrayList<>(members));
    c.getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(timeoutMillis)
        .setInitialBackoffMillis(100)
        .setMaxBackoffMillis(1000);
    serialization(c.getSerializationConfig(), wire);
    return c;
  }

  private interface Setter {
    Object set(String key, String value);
  }

  private static void common(Setter p, boolean logging) {
    p.set("hazelcast.phone.home.enabled", "false");
    p.set("hazelcast.socket.bind.any", "false");
    p.set("hazelcast.logging.type", logging ? "jdk" : "none");
    // The owning switch shuts the instance down; a JVM hook racing it only adds noise.
    p.set("hazelcast.shutdownhook.enabled", "false");
  }

  private static void serialization(SerializationConfig s, Wire wire) {
    s.addDataSerializableFactory(EioSerialization.FACTORY_ID, new EioSerialization());
    s.setGlobalSerializerConfig(
        new GlobalSerializerConfig()
            .setImplementation(new CodecSerializer(wire))
            .setOverrideJavaSerialization(true));
    // Belt and braces for any path that still reaches Hazelcast's own Java serialization: its
    // default deny-list of known gadget classes.
    s.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
  }

  /** A port free on {@code host} now. */
  public static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }
}
