package dev.eio.internal.workers;

import dev.eio.Cancel;
import dev.eio.Cancelled;
import dev.eio.WrappedCheckedException;
import dev.eio.internal.Interrupts;
import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import dev.eio.workers.RemoteTaskException;
import dev.eio.workers.WorkerCrashedException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The parent's side of one worker JVM: starts it, sends tasks, matches replies to callers, turns
 * the worker's death into {@link WorkerCrashedException} for every call in flight, and stops or
 * kills it.
 *
 * <p>Two platform daemon threads serve each worker: one reads reply frames, one prints the
 * worker's stderr prefixed with its name. Both end when the worker's process ends.
 */
public final class WorkerProcess {
  private static final int STDERR_LINES_KEPT = 20;

  /**
   * The longest stderr line printed and kept, in bytes: the rest of a longer line is dropped (the
   * line says how much), so a worker printing without newlines cannot exhaust this JVM's memory.
   */
  public static final int STDERR_LINE_MAX = 8192;

  private final String name;
  private final Process process;
  private final Codec codec;
  private final DataOutputStream out;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<WorkerFrames.Frame>> calls = new ConcurrentHashMap<>();
  private final ArrayDeque<String> lastErrLines = new ArrayDeque<>(); // guarded by itself
  private final Thread errPump;
  private final CompletableFuture<WorkerCrashedException> death = new CompletableFuture<>();
  private volatile boolean killedByParent;
  private volatile Consumer<WorkerFrames.Frame> otherFrames;

  private WorkerProcess(String name, Process process, Codec codec) {
    this.name = name;
    this.process = process;
    this.codec = codec;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.errPump =
        Thread.ofPlatform().daemon().name("eio-" + name + "-stderr").start(this::pumpStderr);
    Thread.ofPlatform().daemon().name("eio-" + name + "-reader").start(this::readReplies);
  }

  /**
   * Starts a worker JVM with this JVM's {@code java}, class and module paths ({@link
   * #launchTarget}) and {@code --enable-preview} (when this JVM has it), plus {@code jvmOptions},
   * and sends it {@code codec}.
   */
  public static WorkerProcess start(String name, Codec codec, List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java"));
    if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("--enable-preview")) {
      cmd.add("--enable-preview");
    }
    // A worker that ran out of memory is in an unknown state: end it, the parent reports it.
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // Standard output carries the frames: the JVM's own messages ("Terminating due to
    // java.lang.OutOfMemoryError") go to stderr, where they are a worker's last words, instead of
    // reading as a corrupt frame that makes the parent kill a worker already exiting.
    cmd.add("-XX:+DisplayVMOutputToStderr");
    cmd.addAll(jvmOptions);
    cmd.addAll(launchTarget());
    cmd.add(name);
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      throw new WorkerCrashedException(
          "cannot start worker " + name + " (" + cmd.getFirst() + "): " + e, name, -1, null);
    }
    WorkerProcess w = new WorkerProcess(name, p, codec);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
        oos.writeObject(codec);
      }
      w.send(WorkerFrames.CODEC, 0, bytes.toByteArray());
    } catch (IOException e) {
      w.kill();
      throw new CodecException("cannot send the codec " + codec + " to worker " + name, e);
    }
    return w;
  }

  /**
   * Where the worker finds its classes and what it runs, as this JVM has them: its class path, its
   * module path with every module of its boot layer resolved again (so the application's module,
   * which holds the tasks' classes, is there although the worker's main module is eio's), and
   * {@link WorkerMain} by class name or, when eio-core is a named module, as {@code -m
   * dev.eio.core/...}. Without the module path a worker of an application started with {@code -m}
   * found no {@code WorkerMain} and died at once.
   */
  static List<String> launchTarget() {
    List<String> args = new ArrayList<>();
    String classPath = System.getProperty("java.class.path", "");
    if (!classPath.isEmpty()) {
      args.add("-cp");
      args.add(classPath);
    }
    String modulePath = System.getProperty("jdk.module.path", "");
    if (!modulePath.isEmpty()) {
      args.add("-p");
      args.add(modulePath);
    }
    Module eio = WorkerMain.class.getModule();
    if (!eio.isNamed()) {
      if (!modulePath.isEmpty()) {
        // eio on the class path, the application on the module path: resolve what this JVM did.
        args.add("--add-modules");
        args.add(bootModules());
      }
      args.add(WorkerMain.class.getName());
      return args;
    }
    args.add("--add-modules");
    args.add(bootModules());
    args.add("-m");
    args.add(eio.getName() + "/" + WorkerMain.class.getName());
    return args;
  }

  /** The modules of this JVM's boot layer (JDK and application), comma-separated, sorted. */
  private static String bootModules() {
    return String.join(
        ",",
        ModuleLayer.boot().modules().stream().map(Module::getName).sorted().toList());
  }

  /** The worker's name, used as its stderr prefix. */
  public String name() {
    return name;
  }

  /** The worker's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the worker's process still runs and its reply stream is open. */
  public boolean isAlive() {
    return !death.isDone() && process.isAlive();
  }

  /**
   * Runs {@code task} in the worker and returns its value, or throws its exception rebuilt here.
   * When the caller is cancelled, the worker is asked to interrupt the task; if no reply comes
   * within {@code grace}, the worker is killed. The caller then gets {@link Cancelled}, never
   * the task's late result.
   *
   * @param allowed classes the reply may hold besides the codec's allow-list
   */
  public Object call(Object task, Predicate<Class<?>> allowed, Duration grace) {
    Interrupts.check();
    Call sent = submit(WorkerFrames.TASK, task);
    long id = sent.id();
    CompletableFuture<WorkerFrames.Frame> reply = sent.reply();
    WorkerFrames.Frame f;
    try {
      f = reply.get();
    } catch (InterruptedException ie) {
      if (!reply.isDone()) {
        Cancelled c = Interrupts.cancelledByInterrupt(ie);
        Cancel.protect(() -> cancelRemote(id, reply, grace));
        throw c;
      }
      // The reply won the race with the cancellation: keep the cancellation. Decoding is a
      // cancellation point, so the caller gets Cancelled, never a late result.
      Thread.currentThread().interrupt();
      f = reply.getNow(null);
      if (f == null) {
        throw (RuntimeException) reply.exceptionNow();
      }
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
    return decodeReply(f, allowed);
  }

  /** A call in flight: its id and the future of its reply frame. */
  public record Call(long id, CompletableFuture<WorkerFrames.Frame> reply) {}

  /**
   * Sends {@code task} in a frame of {@code type} ({@link WorkerFrames#TASK} or {@link
   * WorkerFrames#SPAWN}) and returns at once. The reply future completes with the worker's
   * {@link WorkerFrames#RESULT} or {@link WorkerFrames#FAILURE} frame (see {@link #decodeReply}),
   * or exceptionally with {@link WorkerCrashedException} when the worker dies first.
   *
   * @throws WorkerCrashedException when the worker is dead already
   * @throws CodecException when {@code task} cannot be encoded
   */
  public Call submit(byte type, Object task) {
    byte[] bytes = codec.encode(task);
    long id = ids.incrementAndGet();
    CompletableFuture<WorkerFrames.Frame> reply = new CompletableFuture<>();
    calls.put(id, reply);
    if (death.isDone()) {
      calls.remove(id);
      throw death.join();
    }
    try {
      send(type, id, bytes);
    } catch (IOException e) {
      calls.remove(id);
      throw awaitDeath();
    }
    return new Call(id, reply);
  }

  /**
   * Asks the worker to interrupt the call {@code id} and waits, not cancellable, up to {@code
   * grace} for its reply; kills the worker when none comes.
   */
  public void cancelRemote(
      long id, CompletableFuture<WorkerFrames.Frame> reply, Duration grace) {
    boolean interrupted = false;
    try {
      send(WorkerFrames.CANCEL, id, new byte[0]);
      long deadline = System.nanoTime() + grace.toNanos();
      while (true) {
        try {
          reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          return;
        } catch (InterruptedException e) {
          // A second interrupt (a StructuredTaskScope shutting down reaches past protect) does
          // not shorten the grace period: the worker gets all of it.
          interrupted = true;
        }
      }
    } catch (TimeoutException | IOException e) {
      calls.remove(id);
      kill();
    } catch (ExecutionException e) {
      // The worker died meanwhile: nothing left to cancel.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The value of a reply frame, or throws the exception it carries, rebuilt here.
   *
   * @param allowed classes the reply may hold besides the codec's allow-list
   */
  public Object decodeReply(WorkerFrames.Frame f, Predicate<Class<?>> allowed) {
    if (f.type() == WorkerFrames.RESULT) {
      return codec.decode(f.payload(), allowed);
    }
    WorkerFrames.RemoteFailure rf;
    try {
      rf = WorkerFrames.decodeFailure(f.payload());
    } catch (IOException e) {
      throw new CodecException("corrupt failure reply from worker " + name, e);
    }
    Throwable rebuilt = null;
    RuntimeException whyNot = null;
    if (rf.encoded().length == 0) {
      whyNot = new CodecException("the worker could not encode the exception", null);
    } else {
      try {
        Object o = codec.decode(rf.encoded(), allowed);
        if (o instanceof Throwable t) {
          rebuilt = t;
        } else {
          whyNot = new CodecException("the worker sent a non-exception as failure: " + o, null);
        }
      } catch (CodecException e) {
        whyNot = e;
      }
    }
    if (rebuilt == null) {
      RemoteTaskException r = new RemoteTaskException(rf.className(), rf.message(), name);
      r.setStackTrace(rf.stackTrace());
      r.addSuppressed(whyNot);
      rebuilt = r;
    }
    rebuilt.addSuppressed(new RethrownHere(name, pid()));
    if (rebuilt instanceof Error e) {
      throw e;
    }
    throw WrappedCheckedException.wrapChecked(rebuilt);
  }

  /** Marks where in the parent a worker's exception was rethrown. */
  private static final class RethrownHere extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RethrownHere(String worker, long pid) {
      super("rethrown in the parent from worker " + worker + " (pid " + pid + ")");
    }
  }

  /** Writes one frame to the worker's stdin; frames from several threads never interleave. */
  public void send(byte type, long id, byte[] payload) throws IOException {
    synchronized (out) {
      WorkerFrames.write(out, type, id, payload);
    }
  }

  /**
   * Hands the worker's frames that answer no call ({@link WorkerFrames#DOWN}, {@link
   * WorkerFrames#DROP}) to {@code listener}, on the reader thread, in the order they arrived and
   * before any later reply. Set it before sending the frame that can cause them.
   */
  public void onOtherFrames(Consumer<WorkerFrames.Frame> listener) {
    this.otherFrames = listener;
  }

  /**
   * Closes the worker's stdin without waiting: the worker halts as soon as it reads end of file.
   */
  public void closeInput() {
    try {
      synchronized (out) {
        out.close();
      }
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * Asks the worker to stop by closing its stdin, waits up to {@code grace} for it to exit, then
   * kills it. Returns once the process has exited.
   */
  public void stop(Duration grace) {
    closeInput();
    try {
      if (process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
  }

  /** Kills the worker ({@code SIGKILL}) and returns once its process has exited. */
  public void kill() {
    killedByParent = true;
    process.destroyForcibly();
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits, not cancellable, until the worker is known dead and returns how it died. */
  public WorkerCrashedException awaitDeath() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return death.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void readReplies() {
    String why = null;
    int maxFrame = WorkerFrames.maxReplyFrame(codec.limits());
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16))) {
      for (WorkerFrames.Frame f; (f = WorkerFrames.read(in, maxFrame)) != null; ) {
        if (f.type() != WorkerFrames.RESULT && f.type() != WorkerFrames.FAILURE) {
          Consumer<WorkerFrames.Frame> listener = otherFrames;
          if (listener != null) {
            listener.accept(f);
          }
          continue;
        }
        CompletableFuture<WorkerFrames.Frame> reply = calls.remove(f.id());
        if (reply != null) {
          reply.complete(f);
        }
      }
    } catch (WorkerFrames.CorruptStream e) {
      // Nothing the worker sends can be trusted any more: end it now rather than wait for it.
      why = e.getMessage();
      killedByParent = true;
      process.destroyForcibly();
    } catch (IOException e) {
      why = e.getMessage();
    }
    died(why);
  }

  private void died(String streamProblem) {
    Integer status = null;
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        // The stream broke but the process lives on: it is of no use any more.
        process.destroyForcibly();
        process.waitFor();
      }
      status = process.exitValue();
      errPump.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    StringBuilder msg = new StringBuilder("worker ").append(name).append(" (pid ").append(pid());
    msg.append(") ").append(describeExit(status));
    if (streamProblem != null) {
      msg.append("; ").append(streamProblem);
    }
    synchronized (lastErrLines) {
      if (!lastErrLines.isEmpty()) {
        msg.append("; its last stderr lines:");
        for (String line : lastErrLines) {
          msg.append("\n  ").append(line);
        }
      }
    }
    WorkerCrashedException crash = new WorkerCrashedException(msg.toString(), name, pid(), status);
    death.complete(crash);
    for (Long id : List.copyOf(calls.keySet())) {
      CompletableFuture<WorkerFrames.Frame> reply = calls.remove(id);
      if (reply != null) {
        reply.completeExceptionally(
            new WorkerCrashedException(crash.getMessage(), name, pid(), status));
      }
    }
  }

  private String describeExit(Integer status) {
    if (status == null) {
      return "ended, exit status unknown";
    }
    String by = killedByParent ? " (killed by its parent)" : "";
    if (status > 128 && status < 160) {
      int sig = status - 128;
      String sigName =
          switch (sig) {
            case 9 -> "SIGKILL";
            case 15 -> "SIGTERM";
            case 6 -> "SIGABRT";
            case 11 -> "SIGSEGV";
            default -> "signal " + sig;
          };
      return "was killed by " + sigName + " (exit status " + status + ")" + by;
    }
    if (status == 3) {
      return "exited with status 3 (how -XX:+ExitOnOutOfMemoryError ends a worker out of memory)"
          + by;
    }
    return "exited with status " + status + by;
  }

  private void pumpStderr() {
    try (InputStream stderr = process.getErrorStream()) {
      BoundedLines r = new BoundedLines(stderr, Charset.defaultCharset(), STDERR_LINE_MAX);
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (lastErrLines) {
          if (lastErrLines.size() == STDERR_LINES_KEPT) {
            lastErrLines.removeFirst();
          }
          lastErrLines.addLast(line);
        }
        PrintStream err = System.err;
        err.println("[" + name + "] " + line);
      }
    } catch (IOException e) {
      // The worker is gone; the reader reports how.
    }
  }

  @Override
  public String toString() {
    return "worker " + name + " (pid " + pid() + (isAlive() ? ", alive)" : ", dead)");
  }
}
