package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.Timeout;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.LocalMembers;
import dev.eio.rpc.Rpc;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed RPC (ocaml-rpc, Rpc_parallel): a {@link KeyValueStore} interface is the contract, an
 * in-memory store serves it on a cluster member in its own JVM, and this JVM calls it through a
 * proxy: puts, gets, a checked exception rethrown as its type, and a call cut by its deadline
 * (the member stops the method before the call returns).
 *
 * <p>Run: {@code mvn -q -Pdemo package -DskipTests -Ddemo.main=dev.eio.examples.KeyValueRpc}.
 */
public final class KeyValueRpc {
  private KeyValueRpc() {}

  /** The contract: what a client may call, by name and parameter types. */
  public interface KeyValueStore {
    /** The value of {@code key}. */
    String get(String key) throws Missing;

    void put(String key, String value);

    int size();

    /** Waits until {@code key} has a value and returns it. */
    String await(String key) throws InterruptedException;
  }

  /** A key without a value. */
  public static final class Missing extends Exception {
    private static final long serialVersionUID = 1L;

    public Missing(String key) {
      super("no value for '" + key + "'");
    }
  }

  /** The implementation, on the member. */
  static final class MemoryStore implements KeyValueStore {
    private final Map<String, String> map = new ConcurrentHashMap<>();

    @Override
    public String get(String key) throws Missing {
      String v = map.get(key);
      if (v == null) {
        throw new Missing(key);
      }
      return v;
    }

    @Override
    public void put(String key, String value) {
      map.put(key, value);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public String await(String key) throws InterruptedException {
      while (!map.containsKey(key)) {
        Thread.sleep(10); // interrupted when the caller gives up
      }
      return map.get(key);
    }
  }

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "none");
    Eio.run(env -> run(env, System.out));
  }

  /** Starts the member JVM, calls it, prints what happens. */
  public static void run(Env env, PrintStream out) {
    Switch.run(
        sw -> {
          LocalMembers jvm =
              LocalMembers.start(
                  env,
                  sw,
                  ClusterConfig.local("kv-" + UUID.randomUUID()),
                  1,
                  List.of(),
                  (memberSw, member) -> Rpc.serve(memberSw, member, KeyValueStore.class, new MemoryStore()));
          String address = jvm.addresses().get(0);
          out.println("store served on member " + address + " (process " + jvm.pids().get(0) + ")");
          Cluster client = Cluster.connect(env, sw, jvm.config());
          KeyValueStore kv = Rpc.connect(client, address, KeyValueStore.class);
          KeyValueStore impatient = Rpc.connect(client, address, KeyValueStore.class, Duration.ofMillis(500));
          kv.put("language", "Java");
          kv.put("model", "Eio");
          out.println("get(language) = " + kv.get("language") + ", size() = " + kv.size());
          try {
            kv.get("colour");
          } catch (Missing e) {
            out.println("get(colour) threw Missing: " + e.getMessage());
          }
          try {
            impatient.await("never");
          } catch (Timeout e) {
            out.println("await(never) timed out after " + e.duration().toMillis() + " ms; the member stopped it");
          }
          out.println("size() = " + kv.size());
        });
  }
}
