/**
 * Dead letters: the reasons, the headers, and the Streams handlers that turn bad input into
 * dead-letter records.
 */
package dev.bgevl.streams.deadletter;
