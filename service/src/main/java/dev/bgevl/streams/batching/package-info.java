/**
 * Micro-batches inside Kafka Streams tasks: records wait in a changelogged store until a flush
 * takes them all.
 */
package dev.bgevl.streams.batching;
