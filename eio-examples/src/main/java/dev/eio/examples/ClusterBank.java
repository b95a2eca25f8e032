package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Mailbox;
import dev.eio.cluster.Cluster;
import dev.eio.cluster.ClusterConfig;
import dev.eio.cluster.LocalMembers;
import dev.eio.cluster.actor.ClusterActors;
import dev.eio.workers.SerializationCodec;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The bank of {@link BankAccounts} spread over three member JVMs: each account is an actor on one
 * of the members and owns its balance; a teller actor on every member carries out transfers by
 * asking the accounts, wherever they live; this program (a client) hands out the work and checks
 * that no money was made or lost.
 *
 * <p>Run: {@code ./eio-run ClusterBank}.
 */
public final class ClusterBank {
  private ClusterBank() {}

  /** What an account takes. */
  public sealed interface Op extends Serializable {}

  public record Deposit(long amount, ActorRef<Boolean> replyTo) implements Op {}

  public record Withdraw(long amount, ActorRef<Boolean> replyTo) implements Op {}

  public record Balance(ActorRef<Long> replyTo) implements Op {}

  /** One transfer a teller carries out. */
  public record Transfer(int from, int to, long amount) implements Serializable {}

  /** A teller's work: transfers between {@code accounts}; it answers how many went through. */
  public record Work(List<ActorRef<Op>> accounts, List<Transfer> transfers, ActorRef<Integer> replyTo)
      implements Serializable {}

  static final Duration ASK = Duration.ofSeconds(30);

  static final SerializationCodec CODEC =
      SerializationCodec.defaults()
          .allowing(ClusterBank.class, Deposit.class, Withdraw.class, Balance.class, Transfer.class, Work.class);

  static void account(ActorContext<Op> ctx, long initial) {
    long balance = initial;
    while (true) {
      switch (ctx.receive()) {
        case Deposit d -> {
          balance += d.amount();
          d.replyTo().send(true);
        }
        case Withdraw w -> {
          boolean ok = w.amount() <= balance;
          if (ok) {
            balance -= w.amount();
          }
          w.replyTo().send(ok);
        }
        case Balance b -> b.replyTo().send(balance);
      }
    }
  }

  static void teller(ActorContext<Work> ctx) {
    while (true) {
      Work w = ctx.receive();
      int done = 0;
      for (Transfer t : w.transfers()) {
        ActorRef<Op> from = w.accounts().get(t.from());
        ActorRef<Op> to = w.accounts().get(t.to());
        // Asks across members: the reply address is this actor's member.
        if (from.<Boolean>ask(r -> new Withdraw(t.amount(), r), ASK)
            && to.<Boolean>ask(r -> new Deposit(t.amount(), r), ASK)) {
          done++;
        }
      }
      w.replyTo().send(done);
    }
  }

  /** The outcome of {@link #simulate}. */
  public record Result(long totalBefore, long totalAfter, int transfers, int refused) {}

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "none");
    Eio.run(env -> simulate(env, 9, 100, 42, System.out));
  }

  /** Starts three member JVMs with {@code accounts} accounts and a teller each, runs transfers. */
  public static Result simulate(Env env, int accounts, int transfersPerTeller, long seed, PrintStream out) {
    return Switch.call("bank", sw -> {
      ClusterConfig config = ClusterConfig.local("bank-" + UUID.randomUUID()).withCodec(CODEC);
      LocalMembers jvms = LocalMembers.start(env, sw, config, 3, List.of(), (memberSw, member) ->
          ClusterActors.start(memberSw, member));
      List<String> at = jvms.addresses();
      Cluster client = Cluster.connect(env, sw, jvms.config());
      ClusterActors bank = ClusterActors.start(sw, client);
      List<ActorRef<Op>> accts = new ArrayList<>();
      for (int i = 0; i < accounts; i++) {
        accts.add(bank.spawnOn(at.get(i % at.size()), "acct-" + i, Mailbox.unbounded(),
            ctx -> account(ctx, 1_000)));
      }
      long before = total(accts);
      List<ActorRef<Work>> tellers = new ArrayList<>();
      for (String a : at) {
        tellers.add(bank.spawnOn(a, "teller", Mailbox.unbounded(), ClusterBank::teller));
      }
      Random r = new Random(seed);
      List<List<Transfer>> work = new ArrayList<>();
      for (int t = 0; t < tellers.size(); t++) {
        List<Transfer> ts = new ArrayList<>();
        for (int i = 0; i < transfersPerTeller; i++) {
          ts.add(new Transfer(r.nextInt(accounts), r.nextInt(accounts), 1 + r.nextInt(300)));
        }
        work.add(ts);
      }
      // The tellers work at once, each on its member; this client waits for their answers.
      List<Integer> done = Fiber.map(List.of(0, 1, 2), 3, t ->
          tellers.get(t).<Integer>ask(reply -> new Work(accts, work.get(t), reply), Duration.ofMinutes(2)));
      int ok = done.stream().mapToInt(Integer::intValue).sum();
      int all = tellers.size() * transfersPerTeller;
      long after = total(accts);
      out.printf("%d accounts on %d members, %d tellers: %d transfers, %d refused for lack of funds;"
          + " money before %d, after %d%n", accounts, at.size(), tellers.size(), ok, all - ok, before, after);
      return new Result(before, after, ok, all - ok);
    });
  }

  private static long total(List<ActorRef<Op>> accts) {
    long sum = 0;
    for (ActorRef<Op> a : accts) {
      sum += a.<Long>ask(Balance::new, ASK);
    }
    return sum;
  }
}
