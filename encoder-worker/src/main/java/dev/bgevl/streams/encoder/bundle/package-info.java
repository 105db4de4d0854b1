/** Model bundles: the exported ONNX graphs, tokenizer and the manifest that describes them. */
package dev.bgevl.streams.encoder.bundle;
