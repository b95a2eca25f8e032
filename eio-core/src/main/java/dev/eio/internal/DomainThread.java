package dev.eio.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * A worker thread of a domain pool: a platform thread that runs CPU-heavy sections. Its type is
 * the marker {@link dev.eio.internal.engine.Engines} looks for to run the combinators as fork/join tasks, and {@code
 * DomainManager} looks for to run nested sections inline.
 */
public final class DomainThread extends ForkJoinWorkerThread {
  private final Object owner;

  /**
   * A worker of {@code pool}, owned by {@code owner} (the domain manager), so a nested section of
   * the same manager can recognise its own threads.
   */
  public DomainThread(ForkJoinPool pool, Object owner) {
    super(null, pool, true);
    this.owner = owner;
  }

  /** The domain manager this thread works for. */
  public Object owner() {
    return owner;
  }

  /** The domain thread running the caller, or {@code null} on any other thread. */
  public static DomainThread current() {
    return Thread.currentThread() instanceof DomainThread d ? d : null;
  }
}
