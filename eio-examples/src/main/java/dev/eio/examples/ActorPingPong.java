package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Actors;
import dev.eio.actor.Down;
import dev.eio.actor.Mailbox;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Two actors play ping-pong: the pinger sends {@code Ping} with its address, the ponger answers
 * {@code Pong}; the pinger monitors the ponger and learns when it stops. Run it with {@code mvn
 * -q -Pdemo package -pl eio-examples -am -Ddemo.main=dev.eio.examples.ActorPingPong
 * -Ddemo.args=5}.
 */
public final class ActorPingPong {
  private ActorPingPong() {}

  /** What the ponger takes. */
  sealed interface ToPonger {}

  record Ping(int n, ActorRef<ToPinger> replyTo) implements ToPonger {}

  record Stop() implements ToPonger {}

  /** What the pinger takes: pongs, and the monitor's notice. */
  sealed interface ToPinger {}

  record Pong(int n) implements ToPinger {}

  record PongerDown(Down down) implements ToPinger {}

  /** Plays {@code rounds} rounds, printing each; returns how the ponger stopped. */
  static String play(int rounds, PrintStream out) {
    return Switch.call("ping-pong", sw -> {
      ActorRef<ToPonger> ponger = Actors.spawn(sw, "ponger", Mailbox.unbounded(), ctx -> {
        while (ctx.receive() instanceof Ping p) {
          p.replyTo().send(new Pong(p.n()));
        }
        // Stop: returning ends the actor normally.
      });
      ActorRef<ToPinger> pinger = Actors.spawn(sw, "pinger", Mailbox.unbounded(),
          (ActorContext<ToPinger> ctx) -> {
            ctx.monitor(ponger, PongerDown::new);
            for (int i = 1; i <= rounds; i++) {
              ponger.send(new Ping(i, ctx.self()));
              // Selective receive: take the pong, leave anything else for later.
              Pong pong = (Pong) ctx.receive(m -> m instanceof Pong, Duration.ofSeconds(5))
                  .orElseThrow(() -> new IllegalStateException("no pong within 5 s"));
              out.println("ping " + i + " -> pong " + pong.n());
            }
            ponger.send(new Stop());
            PongerDown down = (PongerDown) ctx.receive(m -> m instanceof PongerDown);
            out.println("ponger stopped: " + down.down().reason());
          });
      pinger.awaitExit();
      return ponger.awaitExit().toString();
    });
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Eio.run(env -> {
      play(rounds, System.out);
    });
  }
}
