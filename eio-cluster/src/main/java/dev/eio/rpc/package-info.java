/**
 * Typed RPC on cluster members, worker JVMs and actors: a Java interface is the contract ({@link
 * dev.eio.rpc.Rpc}).
 *
 * <h2>Changing a contract</h2>
 *
 * <p>A call names its service by the interface's binary name and its method by name and parameter
 * types, {@code get(java.lang.String)}, never by position. So, between clients and servers of
 * different versions:
 *
 * <ul>
 *   <li><b>Adding a method</b> is safe: old clients never call it; a new client calling it on an
 *       old server gets {@link dev.eio.rpc.CallRefusedException} ("has no method").
 *   <li><b>Changing a signature</b> (a parameter's type, their number or order) makes a new
 *       method: keep the old one next to it while old clients remain, else their calls are refused.
 *   <li><b>Changing a return type or the exceptions declared</b> is not seen on the wire: give the
 *       method a new name instead, or old clients get a reply they refuse.
 *   <li><b>Renaming or moving the interface</b> is a new service.
 *   <li>Arguments, values and exceptions are serialized objects: their classes evolve as Java
 *       serialization allows ({@code serialVersionUID}), and must be on the codec's allow-list of
 *       both sides.
 * </ul>
 */
package dev.eio.rpc;
