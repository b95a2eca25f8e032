package dev.eio.examples;

import dev.eio.Eio;
import dev.eio.Env;
import dev.eio.Switch;
import dev.eio.actor.ActorContext;
import dev.eio.actor.ActorRef;
import dev.eio.actor.Down;
import dev.eio.actor.ExitReason;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong across three member JVMs: the ponger runs on the first member, the pinger on the
 * second; this program (a client) starts the game with an ask and gets the pinger's log back.
 * The pinger monitors the ponger across members and sees it stop normally; then a spare ponger
 * on the third member is watched while that member is killed ({@code kill -9}), and the watch
 * reports "member gone", naming it.
 *
 * <p>Run: {@code ./eio-run ClusterPingPong [rounds]}.
 */
public final class ClusterPingPong {
  private ClusterPingPong() {}

  /** What a ponger takes. */
  public sealed interface ToPonger extends Serializable {}

  public record Ping(int n, ActorRef<ToPinger> replyTo) implements ToPonger {}

  public record Stop() implements ToPonger {}

  /** What the pinger takes: the order to play, pongs, and its monitor's notice. */
  public sealed interface ToPinger extends Serializable {}

  public record Play(ActorRef<ToPonger> ponger, int rounds, ActorRef<List<String>> replyTo) implements ToPinger {}

  public record Pong(int n, String where) implements ToPinger {}

  public record PongerDown(Down down) implements ToPinger {}

  /** The classes members accept in messages (the codec's allow-list). */
  static final SerializationCodec CODEC =
      SerializationCodec.defaults()
          .allowing(ClusterPingPong.class, Ping.class, Stop.class, Play.class, Pong.class);

  static void ponger(ActorContext<ToPonger> ctx) {
    String here = "process " + ProcessHandle.current().pid();
    while (ctx.receive() instanceof Ping p) {
      p.replyTo().send(new Pong(p.n(), here));
    }
    // Stop: returning ends the actor normally.
  }

  static void pinger(ActorContext<ToPinger> ctx) {
    Play play = (Play) ctx.receive(m -> m instanceof Play);
    List<String> log = new ArrayList<>();
    String here = "process " + ProcessHandle.current().pid();
    ctx.monitor(play.ponger(), PongerDown::new);
    for (int i = 1; i <= play.rounds(); i++) {
      // ctx.self() is a local reference here; in the message it arrives as a remote one.
      play.ponger().send(new Ping(i, ctx.self()));
      Pong pong = (Pong) ctx.receive(m -> m instanceof Pong, Duration.ofSeconds(10))
          .orElseThrow(() -> new IllegalStateException("no pong within 10 s"));
      log.add("ping " + i + " from " + here + " -> pong " + pong.n() + " from " + pong.where());
    }
    play.ponger().send(new Stop());
    PongerDown down = (PongerDown) ctx.receive(m -> m instanceof PongerDown);
    log.add("ponger stopped: " + down.down().reason());
    play.replyTo().send(log);
  }

  public static void main(String[] args) {
    System.setProperty("hazelcast.logging.type", "none");
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Eio.run(env -> play(env, rounds, System.out));
  }

  /** Starts three member JVMs, plays, kills the third member; prints what happens. */
  public static void play(Env env, int rounds, PrintStream out) {
    Switch.run(sw -> {
      ClusterConfig config = ClusterConfig.local("ping-pong-" + UUID.randomUUID()).withCodec(CODEC);
      // Each member JVM runs cluster actors in its own switch: the actors spawned there live in it.
      LocalMembers jvms = LocalMembers.start(env, sw, config, 3, List.of(), (memberSw, member) ->
          ClusterActors.start(memberSw, member));
      List<String> at = jvms.addresses();
      out.println("members " + at + ", processes " + jvms.pids());
      Cluster client = Cluster.connect(env, sw, jvms.config());
      ClusterActors actors = ClusterActors.start(sw, client);

      ActorRef<ToPonger> ponger = actors.spawnOn(at.get(0), "ponger", Mailbox.unbounded(), ClusterPingPong::ponger);
      ActorRef<ToPinger> pinger = actors.spawnOn(at.get(1), "pinger", Mailbox.unbounded(), ClusterPingPong::pinger);
      List<String> log = pinger.ask(r -> new Play(ponger, rounds, r), Duration.ofSeconds(60));
      log.forEach(out::println);

      // Watch an actor on the third member, then kill that member's JVM.
      ActorRef<ToPonger> spare = actors.spawnOn(at.get(2), "spare", Mailbox.unbounded(), ClusterPingPong::ponger);
      CompletableFuture<ExitReason> end = new CompletableFuture<>();
      spare.onExit(end::complete);
      jvms.kill(2);
      ExitReason reason = end.get(60, TimeUnit.SECONDS);
      out.println("killed member 3 (kill -9); the watch on 'spare' says: " + reason);
      spare.send(new Stop()); // its member is gone: counted as a dead letter here
      out.println("a message to it afterwards is a dead letter: " + (dev.eio.actor.Actors.deadLetters() > 0));
    });
  }
}
