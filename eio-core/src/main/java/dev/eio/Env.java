package dev.eio;

import dev.eio.parallel.DomainManager;

/**
 * The capabilities handed to the program by {@link Eio#run}: code that was not given a
 * capability cannot use that kind of effect, and tests pass in substitutes.
 */
public final class Env {
  private final DomainManager domains;

  Env(DomainManager domains) {
    this.domains = domains;
  }

  /**
   * The run's domain manager: one domain per available processor, shut down when the run ends.
   * Run CPU-heavy sections there so they never hold up the fibers doing I/O.
   */
  public DomainManager domains() {
    return domains;
  }

  @Override
  public String toString() {
    return "Env";
  }
}
