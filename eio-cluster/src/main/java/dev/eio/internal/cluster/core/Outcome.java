package dev.eio.internal.cluster.core;

import java.io.Serializable;

/** A task's value or failure, as a member sends it back. */
public record Outcome(Object value, Throwable failure) implements Serializable {
  static Outcome ok(Object value) {
    return new Outcome(value, null);
  }

  static Outcome failed(Throwable failure) {
    return new Outcome(null, failure);
  }
}
