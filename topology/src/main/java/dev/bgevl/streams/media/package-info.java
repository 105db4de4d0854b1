/** Where the pixels of an event or request come from: inline bytes, or a guarded image URI. */
package dev.bgevl.streams.media;
