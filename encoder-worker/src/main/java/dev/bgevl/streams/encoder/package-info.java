/**
 * The encoder API: turn images, texts or both into unit-length BGE-VL embeddings, one result per
 * input.
 */
package dev.bgevl.streams.encoder;
