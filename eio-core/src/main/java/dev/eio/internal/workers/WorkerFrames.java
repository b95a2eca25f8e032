package dev.eio.internal.workers;

import dev.eio.workers.DecodeLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The wire format between a parent and its worker JVM: length-prefixed frames on the worker's
 * stdin (parent to worker) and stdout (worker to parent). Each frame starts with a magic number so
 * that stray bytes on the worker's stdout (a native library writing to file descriptor 1) are
 * reported as a corrupt stream instead of being misread as a reply.
 */
public final class WorkerFrames {
  private WorkerFrames() {}

  static final int MAGIC = 0xE10F_0001;

  /** The largest frame from the parent, which is trusted: the largest {@code maxBytes} allowed. */
  public static final int MAX_PAYLOAD = (int) DecodeLimits.MAX_BYTES_LIMIT;

  /**
   * Room for the text of a {@link #FAILURE} (class name, message, stack trace) besides the
   * encoded exception; {@link #encodeFailure} keeps the text within it.
   */
  static final int FAILURE_TEXT_ROOM = 1 << 20;

  /** The most characters of an exception's message a {@link #FAILURE} carries as text. */
  private static final int MESSAGE_CHARS_KEPT = 64 << 10;

  /** A frame that no honest peer sends: bad magic, or a length over the limit. */
  public static final class CorruptStream extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptStream(String message) {
      super(message);
    }
  }

  /**
   * The largest frame a parent reads from a worker whose codec has {@code limits}: one encoded
   * value, plus the text of a failure.
   */
  public static int maxReplyFrame(DecodeLimits limits) {
    return (int) Math.min(limits.maxBytes() + FAILURE_TEXT_ROOM, Integer.MAX_VALUE - 8);
  }

  /** Parent to worker, first frame: the codec, in plain Java serialization (parent is trusted). */
  public static final byte CODEC = 0;
  /** Parent to worker: a task to run under the frame's id. */
  public static final byte TASK = 1;
  /** Parent to worker: interrupt the task with the frame's id. */
  public static final byte CANCEL = 2;
  /** Worker to parent: the task's value, encoded by the codec. */
  public static final byte RESULT = 3;
  /** Worker to parent: the task's exception, see {@link #encodeFailure}. */
  public static final byte FAILURE = 4;

  // Hub frames. A worker runs at most one hub function (SPAWN, answered like a TASK by RESULT or
  // FAILURE under the same id); the connection frames carry the connection's id, which the
  // parent allocates, so every party's messages share the one pair of pipes.

  /** Parent to worker: a hub function to run under the frame's id. */
  public static final byte SPAWN = 5;
  /** Parent to worker: a party connected; the id is its connection id. */
  public static final byte OPEN = 6;
  /** Parent to worker: a message from a party, encoded by the codec. */
  public static final byte UP = 7;
  /** Parent to worker: a party disconnected (or acknowledges the hub's {@link #DROP}). */
  public static final byte CLOSE = 8;
  /** Parent to worker: no more parties will connect. */
  public static final byte END = 9;
  /** Worker to parent: a message from the hub to one party, encoded by the codec. */
  public static final byte DOWN = 10;
  /** Worker to parent: the hub disconnected a party. */
  public static final byte DROP = 11;

  /** The empty payload of frames that carry only an id. */
  public static final byte[] NO_PAYLOAD = new byte[0];

  /** One frame. */
  public record Frame(byte type, long id, byte[] payload) {}

  /** Writes one frame; callers serialize writers on {@code out}. */
  public static void write(DataOutputStream out, byte type, long id, byte[] payload)
      throws IOException {
    out.writeInt(MAGIC);
    out.writeByte(type);
    out.writeLong(id);
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  /**
   * Reads one frame of at most {@code maxPayload} bytes, or returns null at end of stream between
   * frames. The length is checked before anything is allocated.
   *
   * @throws CorruptStream when the frame is not one (bad magic) or is longer than {@code
   *     maxPayload}
   */
  public static Frame read(DataInputStream in, int maxPayload) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (magic != MAGIC) {
      throw new CorruptStream(
          "corrupt worker stream: expected a frame, got 0x"
              + Integer.toHexString(magic)
              + " (something wrote to the worker's file descriptor 1 outside System.out)");
    }
    byte type = in.readByte();
    long id = in.readLong();
    int len = in.readInt();
    if (len < 0 || len > maxPayload) {
      throw new CorruptStream(
          "corrupt worker stream: a frame of "
              + len
              + " bytes, over the limit of "
              + maxPayload
              + " (the codec's maxBytes and room for an exception's text)");
    }
    byte[] payload = in.readNBytes(len);
    if (payload.length != len) {
      throw new EOFException("worker stream ended inside a frame");
    }
    return new Frame(type, id, payload);
  }

  /**
   * What the parent learns of a task's exception: its class name, message and stack trace as
   * text (always readable) and the codec's encoding of the exception itself (empty when the
   * codec could not encode it), so the parent can rebuild the same class or fall back to text.
   */
  public record RemoteFailure(
      String className, String message, StackTraceElement[] stackTrace, byte[] encoded) {}

  /** Encodes {@code failure} as a {@link #FAILURE} payload. */
  public static byte[] encodeFailure(Throwable failure, byte[] encoded) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    writeString(out, failure.getClass().getName());
    String message = failure.getMessage();
    if (message != null && message.length() > MESSAGE_CHARS_KEPT) {
      message =
          message.substring(0, MESSAGE_CHARS_KEPT)
              + " [... "
              + (message.length() - MESSAGE_CHARS_KEPT)
              + " more characters]";
    }
    writeString(out, message);
    // Keep the text within its room: the outermost frames of a huge stack are dropped.
    StackTraceElement[] stack = failure.getStackTrace();
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    DataOutputStream framesOut = new DataOutputStream(frames);
    int kept = 0;
    for (StackTraceElement e : stack) {
      if (bytes.size() + frames.size() > FAILURE_TEXT_ROOM / 2) {
        break;
      }
      writeString(framesOut, e.getClassName());
      writeString(framesOut, e.getMethodName());
      writeString(framesOut, e.getFileName());
      framesOut.writeInt(e.getLineNumber());
      kept++;
    }
    out.writeInt(kept);
    frames.writeTo(out);
    out.writeInt(encoded.length);
    out.write(encoded);
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * Decodes a {@link #FAILURE} payload. Every count is checked against the bytes left before
   * anything is allocated: a forged count is an {@link IOException}, never a huge array.
   */
  public static RemoteFailure decodeFailure(byte[] payload) throws IOException {
    ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
    DataInputStream in = new DataInputStream(bytes);
    String className = readString(in);
    String message = readString(in);
    // Each element takes at least 16 bytes: three string lengths and a line number.
    StackTraceElement[] stack = new StackTraceElement[checkCount(in.readInt(), bytes.available() / 16)];
    for (int i = 0; i < stack.length; i++) {
      stack[i] =
          new StackTraceElement(readString(in), readString(in), readString(in), in.readInt());
    }
    byte[] encoded = in.readNBytes(checkCount(in.readInt(), bytes.available()));
    if (className == null) {
      throw new IOException("corrupt failure reply: no class name");
    }
    return new RemoteFailure(className, message, stack, encoded);
  }

  private static int checkCount(int count, int max) throws IOException {
    if (count < 0 || count > max) {
      throw new IOException("corrupt failure reply: a count of " + count + ", at most " + max + " fit");
    }
    return count;
  }

  // writeUTF is limited to 64 KiB; exception messages are not.
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len == -1) {
      return null;
    }
    byte[] b = in.readNBytes(checkCount(len, in.available()));
    return new String(b, StandardCharsets.UTF_8);
  }
}
