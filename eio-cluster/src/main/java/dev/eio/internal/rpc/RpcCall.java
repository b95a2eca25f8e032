package dev.eio.internal.rpc;

import com.hazelcast.core.HazelcastInstance;
import dev.eio.internal.cluster.core.MemberTask;
import java.util.Objects;

/**
 * One RPC call on the wire: the service (the contract's binary name), the method's key ({@link
 * Contract#key}) and the arguments. It travels as a cluster task or a worker task, so the existing
 * transports carry it, cancel it and bound what they decode; the receiver checks it against the
 * contract it serves ({@link Services#run}) before running anything.
 *
 * <p>A member reads it with its codec's allow-list: this carrier is accepted by name, each
 * argument only if its class is on the list.
 */
public record RpcCall(String service, String method, Object[] args) implements MemberTask<Object> {
  private static final long serialVersionUID = 1L;

  /** The key of a member's {@link Services} in its Hazelcast user context. */
  static final String SERVICES_KEY = "dev.eio.rpc.services";

  public RpcCall {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(method, "method");
  }

  /** Runs in a worker JVM: against the contracts its parent installed there. */
  @Override
  public Object call() throws Exception {
    return Services.WORKER.run(this);
  }

  /** Runs on a cluster member: against the contracts served on that member. */
  @Override
  public Object callOn(HazelcastInstance member) throws Exception {
    return services(member).run(this);
  }

  /** The services of {@code member}, created empty on first use. */
  public static Services services(HazelcastInstance member) {
    return (Services)
        member
            .getUserContext()
            .computeIfAbsent(
                SERVICES_KEY,
                k -> {
                  var a = member.getCluster().getLocalMember().getAddress();
                  return new Services("cluster member " + a.getHost() + ":" + a.getPort());
                });
  }

  @Override
  public String toString() {
    return "RpcCall[" + service + "." + method + "]";
  }
}
