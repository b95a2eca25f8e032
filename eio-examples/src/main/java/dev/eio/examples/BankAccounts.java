package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Fiber;
import dev.eio.Switch;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Mailbox;
import dev.eio.actor.Registry;
import dev.eio.actor.Supervisor;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bank of account actors: each account owns its balance, so concurrent transfers need no
 * lock. Accounts are found by name in a {@link Registry}, run under a one-for-one {@link
 * Supervisor}, and keep their balance in a ledger (standing for a database), so an account that
 * crashes on a corrupt request restarts with its last committed balance. Run it with {@code mvn
 * -q -Pdemo package -pl eio-examples -am -Ddemo.main=dev.eio.examples.BankAccounts}.
 */
public final class BankAccounts {
  private BankAccounts() {}

  /** What an account takes. */
  sealed interface Op {}

  record Deposit(long amount, ActorRef<Boolean> replyTo) implements Op {}

  record Withdraw(long amount, ActorRef<Boolean> replyTo) implements Op {}

  record Balance(ActorRef<Long> replyTo) implements Op {}

  static final Duration ASK = Duration.ofSeconds(10);

  /** An account named {@code name}: reads its balance from the ledger, writes every change. */
  static ActorRef<Op> open(Supervisor sup, Map<String, Long> ledger, String name, long initial) {
    ledger.putIfAbsent(name, initial);
    return sup.spawn(name, Mailbox.unbounded(), ctx -> {
      long balance = ledger.get(name); // a restart resumes from the last committed balance
      while (true) {
        switch (ctx.receive()) {
          case Deposit d -> {
            if (d.amount() < 0) {
              throw new IllegalArgumentException("corrupt request: deposit of " + d.amount());
            }
            balance += d.amount();
            ledger.put(name, balance);
            d.replyTo().send(true);
          }
          case Withdraw w -> {
            boolean ok = w.amount() >= 0 && w.amount() <= balance;
            if (ok) {
              balance -= w.amount();
              ledger.put(name, balance);
            }
            w.replyTo().send(ok);
          }
          case Balance b -> b.replyTo().send(balance);
        }
      }
    });
  }

  /** Moves {@code amount} from one account to another; false when funds were short. */
  static boolean transfer(Registry bank, String from, String to, long amount) {
    ActorRef<Op> a = bank.<Op>lookup(from).orElseThrow();
    ActorRef<Op> b = bank.<Op>lookup(to).orElseThrow();
    if (!a.<Boolean>ask(r -> new Withdraw(amount, r), ASK)) {
      return false;
    }
    return b.<Boolean>ask(r -> new Deposit(amount, r), ASK);
  }

  /** The outcome of {@link #simulate}. */
  record Result(long totalBefore, long totalAfter, int transfers, int refused, long restarts) {}

  /** Runs {@code clients} fibers doing random transfers between {@code accounts} accounts. */
  static Result simulate(int accounts, int clients, int transfersEach, long seed, PrintStream out) {
    return Switch.call("bank", sw -> {
      Supervisor sup = Supervisor.start(sw, Supervisor.Strategy.ONE_FOR_ONE, 5, Duration.ofMinutes(1));
      Registry bank = Registry.create(sw);
      Map<String, Long> ledger = new ConcurrentHashMap<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < accounts; i++) {
        String name = "acct-" + i;
        bank.register(name, open(sup, ledger, name, 1_000));
        names.add(name);
      }
      long before = total(bank, names);
      // A corrupt request crashes one account; its supervisor restarts it from the ledger.
      bank.<Op>lookup(names.get(0)).orElseThrow().send(new Deposit(-1, null));
      AtomicInteger done = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      Fiber.forEach(java.util.stream.IntStream.range(0, clients).boxed().toList(), clients, c -> {
        Random r = new Random(seed + c);
        for (int i = 0; i < transfersEach; i++) {
          String from = names.get(r.nextInt(accounts));
          String to = names.get(r.nextInt(accounts));
          if (transfer(bank, from, to, 1 + r.nextInt(300))) {
            done.incrementAndGet();
          } else {
            refused.incrementAndGet();
          }
        }
      });
      long after = total(bank, names);
      out.printf("%d accounts, %d transfers, %d refused for lack of funds, %d restart(s);"
          + " money before %d, after %d%n",
          accounts, done.get(), refused.get(), sup.restarts(), before, after);
      return new Result(before, after, done.get(), refused.get(), sup.restarts());
    });
  }

  private static long total(Registry bank, List<String> names) {
    long sum = 0;
    for (String n : names) {
      sum += bank.<Op>lookup(n).orElseThrow().<Long>ask(Balance::new, ASK);
    }
    return sum;
  }

  public static void main(String[] args) {
    Eio.run(env -> {
      simulate(10, 8, 200, 42, System.out);
    });
  }
}
