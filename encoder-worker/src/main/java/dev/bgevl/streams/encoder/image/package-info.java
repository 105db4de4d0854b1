/**
 * Image decoding with size limits, and CLIP preprocessing that reproduces PIL/transformers pixel
 * for pixel.
 */
package dev.bgevl.streams.encoder.image;
