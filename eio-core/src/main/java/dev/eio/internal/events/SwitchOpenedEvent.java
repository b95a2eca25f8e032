package dev.eio.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a switch was opened. */
@Name("dev.eio.SwitchOpened")
@Label("Switch Opened")
@Category({"eio", "Switch"})
@Description("A switch was opened")
@StackTrace(false)
public final class SwitchOpenedEvent extends jdk.jfr.Event {
  @Label("Switch")
  public String switchName;
}
