package dev.eio.internal.workers;

import dev.eio.workers.Codec;
import dev.eio.workers.CodecException;
import dev.eio.workers.HubFunction;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry point of a worker JVM. It starts clean (nothing of the parent's live state is copied),
 * reads frames from stdin, runs each task (or its one hub function, whose connection frames it hands
 * to the hub) on its own thread and writes the reply to stdout. User
 * output on {@code System.out} goes to stderr, which the parent prints with the worker's name.
 *
 * <p>The worker never outlives its parent: end of file on stdin (the parent closed the pipe or
 * died, even by {@code kill -9}) and the exit of the parent's process both halt it at once.
 */
public final class WorkerMain {
  private WorkerMain() {}

  /** Exit status when the parent closed stdin or died. */
  static final int PARENT_GONE = 0;

  private static final Map<Long, Thread> RUNNING = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    // Keep the real stdout for frames before user code can reach it.
    DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    System.setIn(new ByteArrayInputStream(new byte[0]));

    ProcessHandle.current()
        .parent()
        .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(PARENT_GONE)));

    Codec codec;
    try {
      WorkerFrames.Frame first = WorkerFrames.read(in, WorkerFrames.MAX_PAYLOAD);
      if (first == null || first.type() != WorkerFrames.CODEC) {
        throw new IOException("the first frame must carry the codec");
      }
      try (ObjectInputStream ois =
          new ObjectInputStream(new ByteArrayInputStream(first.payload()))) {
        codec = (Codec) ois.readObject();
      }
      WorkerHub<Object, Object> hub = null;
      for (WorkerFrames.Frame f; (f = WorkerFrames.read(in, WorkerFrames.MAX_PAYLOAD)) != null; ) {
        switch (f.type()) {
          case WorkerFrames.TASK -> {
            byte[] bytes = f.payload();
            // The bytes come from the parent that started this JVM, over a private pipe.
            start(codec, out, f.id(), () -> ((Callable<?>) codec.decode(bytes, c -> true)).call());
          }
          case WorkerFrames.SPAWN -> {
            if (hub != null) {
              throw new IOException("a worker runs one hub function, got a second");
            }
            WorkerHub<Object, Object> h = new WorkerHub<>(codec, out);
            hub = h;
            byte[] bytes = f.payload();
            start(
                codec,
                out,
                f.id(),
                () -> {
                  @SuppressWarnings("unchecked")
                  HubFunction<Object, Object, ?> fn =
                      (HubFunction<Object, Object, ?>) codec.decode(bytes, c -> true);
                  return fn.apply(h);
                });
          }
          case WorkerFrames.OPEN, WorkerFrames.UP, WorkerFrames.CLOSE, WorkerFrames.END -> {
            if (hub == null) {
              throw new IOException("hub frame " + f.type() + " before the hub function");
            }
            hub.deliver(f);
          }
          case WorkerFrames.CANCEL -> {
            Thread t = RUNNING.get(f.id());
            if (t != null) {
              t.interrupt();
            }
          }
          default -> throw new IOException("unexpected frame type " + f.type());
        }
      }
    } catch (Throwable t) {
      System.err.println("worker stopping: " + t);
      t.printStackTrace();
      Runtime.getRuntime().halt(70);
    }
    // The parent closed the pipe: stop now, whatever user threads still run.
    Runtime.getRuntime().halt(PARENT_GONE);
  }

  private static void start(Codec codec, DataOutputStream out, long id, Callable<?> body) {
    Thread t =
        Thread.ofPlatform()
            .daemon()
            .name("eio-task-" + id)
            .unstarted(() -> runTask(codec, out, id, body));
    RUNNING.put(id, t);
    t.start();
  }

  /**
   * {@code encoded}, or throws when it is over the codec's {@code maxBytes}: the parent would
   * refuse the frame as corrupt, and a codec other than {@link
   * dev.eio.workers.SerializationCodec} may not check on encoding.
   */
  static byte[] withinLimit(Codec codec, byte[] encoded) {
    long max = codec.limits().maxBytes();
    if (encoded.length > max) {
      throw new CodecException(
          "cannot send an encoding of "
              + encoded.length
              + " bytes: over the codec's maxBytes of "
              + max
              + " (DecodeLimits.withMaxBytes raises it)",
          null);
    }
    return encoded;
  }

  private static void runTask(Codec codec, DataOutputStream out, long id, Callable<?> body) {
    byte type;
    byte[] payload;
    try {
      try {
        Object value = body.call();
        payload = withinLimit(codec, codec.encode(value));
        type = WorkerFrames.RESULT;
      } catch (Throwable failure) {
        byte[] encoded;
        try {
          encoded = withinLimit(codec, codec.encode(failure));
        } catch (Throwable notEncodable) {
          encoded = new byte[0];
        }
        payload = WorkerFrames.encodeFailure(failure, encoded);
        type = WorkerFrames.FAILURE;
      }
      RUNNING.remove(id);
      synchronized (out) {
        WorkerFrames.write(out, type, id, payload);
      }
    } catch (IOException e) {
      // stdout is gone: the parent is gone too.
      Runtime.getRuntime().halt(PARENT_GONE);
    }
  }
}
