/** Runnable examples of eio-java; each class has a {@code main}. */
module dev.eio.examples {
  requires dev.eio.core;
  requires java.management;
  requires jdk.management;
  requires dev.eio.net;
  requires dev.eio.cluster;
  requires dev.eio.actor;
  requires micrometer.core;
  requires context.propagation;
  requires org.slf4j;
  requires java.desktop;
  requires org.jfree.jfreechart;
  requires org.jfree.svg;

  exports dev.eio.examples;
}
