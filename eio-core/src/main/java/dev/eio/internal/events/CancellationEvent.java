package dev.eio.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a cancellation context was cancelled and its fibers interrupted. */
@Name("dev.eio.CancellationDelivered")
@Label("Cancellation Delivered")
@Category({"eio", "Cancel"})
@Description("A cancellation context was cancelled; its fibers were interrupted")
@StackTrace(false)
public final class CancellationEvent extends jdk.jfr.Event {
  @Label("Context")
  public String context;

  @Label("Reason")
  public String reason;

  @Label("Fibers Interrupted")
  public int fibersInterrupted;
}
