/** A small Java client for retrieval over Kafka request/reply. */
package dev.bgevl.streams.client;
