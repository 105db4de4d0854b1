/**
 * BGE-VL encoders on ONNX Runtime: session set-up per device, batched vision and text graphs,
 * fusion in Java.
 */
package dev.bgevl.streams.encoder.onnx;
