/**
 * CLIP tokenization on the bundle's {@code tokenizer.json}, through DJL's Hugging Face tokenizers
 * binding.
 */
package dev.bgevl.streams.encoder.text;
