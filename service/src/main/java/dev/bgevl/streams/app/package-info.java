/**
 * The service: its configuration records, topics, and the two Kafka Streams applications it runs
 * and closes.
 */
package dev.bgevl.streams.app;
