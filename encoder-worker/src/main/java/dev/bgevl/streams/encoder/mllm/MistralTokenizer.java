package dev.bgevl.streams.encoder.mllm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.bgevl.streams.encoder.EncoderException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The bundle's Mistral tokenizer (SentencePiece BPE with byte fallback, BOS added, {@code <image>}
 * as a special token) through DJL's binding of the same Rust library transformers uses, so the ids
 * equal {@code LlamaTokenizerFast}'s on the same {@code tokenizer.json}. Never truncates or pads:
 * the prompt is the reference's prompt. Thread-safe.
 */
public final class MistralTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;

  public MistralTokenizer(Path tokenizerJson) {
    try {
      this.tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build();
    } catch (IOException | RuntimeException e) {
      throw new EncoderException(
          "Cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  /** Token ids of {@code text}, BOS included. */
  public long[] ids(String text) {
    return tokenizer.encode(text).getIds();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
