/**
 * Pipeline benchmarks on real in-process parts (KRaft broker, Milvus Lite, the service): query
 * latency over request/reply and ingest throughput; {@code main}s run by {@code bench/*.sh}, not
 * tests.
 */
package dev.bgevl.streams.bench;
