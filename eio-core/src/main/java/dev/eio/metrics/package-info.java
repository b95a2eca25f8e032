/**
 * Micrometer metrics for eio: bind {@link dev.eio.metrics.EioMetrics} to a registry. Needs
 * {@code io.micrometer:micrometer-core} on the class path; the rest of eio does not.
 */
package dev.eio.metrics;
