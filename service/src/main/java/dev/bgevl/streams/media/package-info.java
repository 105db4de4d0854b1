/**
 * Where the pixels of an event or request come from: inline bytes, or a guarded image URI ({@code
 * file:} below a root, {@code http(s):} to allowed hosts on public addresses, on a bounded fetch
 * pool).
 */
package dev.bgevl.streams.media;
