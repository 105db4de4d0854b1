/**
 * The embedded default: an in-process KRaft broker, Milvus Lite from the project's venv, and the
 * service, as one closeable stack.
 */
package dev.bgevl.streams.embedded;
