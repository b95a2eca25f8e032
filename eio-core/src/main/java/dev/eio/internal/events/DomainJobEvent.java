package dev.eio.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a job ran on a domain; the event's duration is the job's run time. */
@Name("dev.eio.DomainJob")
@Label("Domain Job")
@Category({"eio", "Domains"})
@Description("A CPU section ran on a domain (a thread of the work-stealing pool)")
@StackTrace(false)
public final class DomainJobEvent extends jdk.jfr.Event {
  @Label("Caller")
  @Description("The fiber that ran the section")
  public String caller;

  @Label("Outcome")
  public String outcome;
}
