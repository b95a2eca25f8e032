/**
 * Child processes owned by switches: {@link dev.eio.process.ProcessManager} (from {@code
 * env.processes()}) spawns a {@link dev.eio.process.ChildProcess} into a switch, which kills it
 * and its descendants and reaps it when the switch ends.
 *
 * <p>Pipes are cancellable byte flows ({@link dev.eio.io.Source}, {@link dev.eio.io.Sink}); exit
 * statuses tell a code from a signal ({@link dev.eio.process.ExitStatus}); failures of {@code run}
 * name the command, the status and the tail of standard error. See ADR 12.
 */
package dev.eio.process;
