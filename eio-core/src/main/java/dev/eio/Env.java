package dev.eio;

/**
 * The capabilities handed to the program by {@link Eio#run}: code that was not given a
 * capability cannot use that kind of effect, and tests pass in substitutes.
 */
public final class Env {
  Env() {}

  @Override
  public String toString() {
    return "Env";
  }
}
