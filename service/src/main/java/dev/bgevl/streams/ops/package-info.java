/**
 * Operations: Prometheus metrics of the service and its Kafka Streams apps, and the
 * liveness/readiness HTTP endpoints.
 */
package dev.bgevl.streams.ops;
