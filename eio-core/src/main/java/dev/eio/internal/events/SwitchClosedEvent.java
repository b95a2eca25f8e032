package dev.eio.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a switch finished; the event's duration is the switch's life. */
@Name("dev.eio.SwitchClosed")
@Label("Switch Closed")
@Category({"eio", "Switch"})
@Description("A switch finished: its fibers ended and its release hooks ran")
@StackTrace(false)
public final class SwitchClosedEvent extends jdk.jfr.Event {
  @Label("Switch")
  public String switchName;

  @Label("Outcome")
  @Description("ok, cancelled, or failed: <exception>")
  public String outcome;

  @Label("Fibers Forked")
  public int fibersForked;
}
