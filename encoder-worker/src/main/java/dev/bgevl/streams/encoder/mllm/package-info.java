/**
 * BGE-VL-MLLM (LLaVA-NeXT + Mistral) on ONNX Runtime behind the {@code Encoder} API: bundle, prompt
 * builder, Mistral tokenizer, anyres image tiling and feature packing, last-token pooling.
 */
package dev.bgevl.streams.encoder.mllm;
