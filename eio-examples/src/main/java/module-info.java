/** Runnable examples of eio-java; each class has a {@code main}. */
module dev.eio.examples {
  requires dev.eio.core;
}
