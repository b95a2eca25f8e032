/**
 * Directory capabilities: {@link dev.eio.fs.Dir} from {@code env.fs()} and {@code env.cwd()},
 * and confined ones from {@link dev.eio.fs.Dir#openDir}, through which nothing outside the
 * directory can be reached.
 *
 * <p>Files open as {@link dev.eio.fs.FileIn}/{@link dev.eio.fs.FileOut} byte flows owned by a
 * switch; failures are {@link dev.eio.fs.FsException} kinds carrying the path. See ADR 12, and
 * ADR 20 for how confinement holds under concurrent renames and link swaps.
 */
package dev.eio.fs;
