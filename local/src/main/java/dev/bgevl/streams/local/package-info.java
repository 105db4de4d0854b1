/**
 * {@code bgevl local}: the embedded default stack (in-process broker, Milvus server, the service)
 * and its launcher.
 */
package dev.bgevl.streams.local;
