/**
 * Thumbnails of indexed images: made by ingest next to each vector, kept in a compacted topic,
 * materialized by the query application and looked up through Kafka Streams interactive queries.
 */
package dev.bgevl.streams.thumbnails;
