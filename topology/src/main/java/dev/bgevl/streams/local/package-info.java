/** The embedded local stack: an in-process KRaft Kafka broker and Milvus Lite for {@code bgevl local}. */
package dev.bgevl.streams.local;
