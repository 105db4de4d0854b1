/**
 * Kafka serdes for the Avro contracts in two wire formats, Confluent-framed Avro and natural JSON,
 * with a schema-registry client behind an interface.
 */
package dev.bgevl.streams.schemas.serde;
