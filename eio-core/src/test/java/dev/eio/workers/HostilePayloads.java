package dev.eio.workers;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hostile inputs for the decoding tests: small payloads that claim or cost far more. */
final class HostilePayloads {
  private HostilePayloads() {}

  /** What a frame starts with (see dev.eio.internal.workers.WorkerFrames). */
  static final int FRAME_MAGIC = 0xE10F_0001;

  static final byte RESULT = 3;
  static final byte FAILURE = 4;

  /** A claimed element count just under the JVM's array limit. */
  static final int HUGE = Integer.MAX_VALUE - 15;

  static byte[] serialize(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A {@code long[]} of no elements whose length field claims {@link #HUGE}: 27 bytes. */
  static byte[] forgedLongArray() {
    byte[] b = serialize(new long[0]);
    ByteBuffer.wrap(b).putInt(b.length - 4, HUGE); // the array length is the last field
    return b;
  }

  /** An empty {@code ArrayList} whose {@code size} field claims {@link #HUGE}: 58 bytes. */
  static byte[] forgedArrayList() {
    byte[] b = serialize(new ArrayList<>());
    // ... size (field), then block data 0x77 0x04 capacity, then 0x78 (end of block data).
    int size = b.length - 11;
    if (b[size + 4] != 0x77 || b[size + 5] != 0x04) {
      throw new IllegalStateException("unexpected ArrayList encoding");
    }
    ByteBuffer.wrap(b).putInt(size, HUGE);
    return b;
  }

  /**
   * Sets nested {@code depth} deep where each level holds two sets shared by the level above
   * (SerialDOS): decoding hashes 2^depth sets.
   */
  static Set<Object> nestedSets(int depth) {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("different");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  /**
   * {@code height} levels of {@code fanout} distinct sets, each holding every set of the level
   * below (shared, a few hundred bytes encoded): hashing the top costs fanout^height, and the
   * depth stays {@code height + 1}, under the depth limit.
   */
  static Set<Object> sharedSets(int fanout, int height) {
    List<List<Set<Object>>> levels = new ArrayList<>();
    for (int k = 0; k <= height; k++) {
      List<Set<Object>> level = new ArrayList<>();
      for (int i = 0; i < fanout; i++) {
        Set<Object> s = new HashSet<>();
        s.add(k * fanout + i); // distinct, so the sets of a level are not equal
        level.add(s);
      }
      levels.add(level);
    }
    // Top down: a set is added while it holds only its marker, so building stays cheap.
    Set<Object> root = new HashSet<>(levels.get(0));
    for (int k = 0; k < height; k++) {
      for (Set<Object> parent : levels.get(k)) {
        parent.addAll(levels.get(k + 1));
      }
    }
    return root;
  }

  /**
   * A map of {@code n} list keys that all hash alike once decoded (built with distinct hashes,
   * then changed in place): decoding it does n^2/2 comparisons, and every few of them it reads an
   * object, so a decode that checks cancellation per object can be stopped.
   */
  static Map<List<Integer>, Integer> collidingKeys(int n) {
    Map<List<Integer>, Integer> map = new HashMap<>();
    List<List<Integer>> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Integer> k = new ArrayList<>(List.of(i, 0));
      keys.add(k);
      map.put(k, i);
    }
    for (int i = 0; i < n; i++) {
      keys.get(i).set(1, -31 * i); // hashCode = 31 * (31 + i) - 31 * i = 961 for every key
    }
    return map;
  }

  /**
   * Run inside a worker task: writes one frame straight onto the worker's stdout (the parent's
   * reply stream) under the running task's id, claiming {@code claimedLength} bytes and sending
   * {@code payload}. This is what any code running in a worker (a task, a native library) can do.
   */
  static void forgeFrame(byte type, int claimedLength, byte[] payload) {
    String thread = Thread.currentThread().getName(); // eio-task-<id>
    long id = Long.parseLong(thread.substring(thread.lastIndexOf('-') + 1));
    try {
      DataOutputStream out = new DataOutputStream(new FileOutputStream(FileDescriptor.out));
      out.writeInt(FRAME_MAGIC);
      out.writeByte(type);
      out.writeLong(id);
      out.writeInt(claimedLength);
      out.write(payload);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A FAILURE payload whose stack trace claims {@link #HUGE} elements. */
  static byte[] forgedFailure() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] name = "java.lang.IllegalStateException".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(name.length);
      out.write(name);
      out.writeInt(-1); // no message
      out.writeInt(HUGE); // stack trace length
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
