/**
 * Throughput benchmark of the ONNX encoder against a bare ONNX Runtime session; a {@code main}, not
 * a test.
 */
package dev.bgevl.streams.encoder.bench;
