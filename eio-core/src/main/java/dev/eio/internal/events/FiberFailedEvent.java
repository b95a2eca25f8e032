package dev.eio.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a fiber (or a switch body or hook) failed with a real exception. */
@Name("dev.eio.FiberFailed")
@Label("Fiber Failed")
@Category({"eio", "Fiber"})
@Description("A fiber ended with an exception (not a cancellation); its switch is failed")
@StackTrace(false)
public final class FiberFailedEvent extends jdk.jfr.Event {
  @Label("Fiber")
  public String fiberName;

  @Label("Switch")
  public String switchName;

  @Label("Exception")
  public String exception;
}
