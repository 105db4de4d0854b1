package dev.bgevl.streams.encoder.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CLIP BPE tokenization: BOS + tokens + EOS, truncated (never failing) to the model's 77 tokens.
 *
 * <p>Lower-casing and whitespace clean-up come from the normalizer inside {@code tokenizer.json},
 * so ids equal transformers' {@code CLIPTokenizer}. Thread-safe.
 */
public final class ClipTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final long padId;
  private final int maxTokens;

  public ClipTokenizer(Path tokenizerJson, ModelManifest.TextSpec spec) {
    this.padId = spec.padTokenId();
    this.maxTokens = spec.maxTokens();
    try {
      this.tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optAddSpecialTokens(true)
              .optTruncation(true)
              .optMaxLength(maxTokens)
              .optPadding(false)
              .build();
    } catch (IOException | RuntimeException e) {
      throw new EncoderException(
          "Cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  public int maxTokens() {
    return maxTokens;
  }

  /** Token ids of one text, special tokens included. */
  public long[] ids(String text) {
    return tokenizer.encode(text).getIds();
  }

  /** Tokenizes all texts at once and pads them to the longest with the pad id (mask 0). */
  public TokenBatch tokenize(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int length = 1;
    for (Encoding e : encodings) {
      length = Math.max(length, e.getIds().length);
    }
    long[] ids = new long[texts.size() * length];
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(ids, padId);
    for (int i = 0; i < encodings.length; i++) {
      long[] row = encodings[i].getIds();
      System.arraycopy(row, 0, ids, i * length, row.length);
      java.util.Arrays.fill(mask, i * length, i * length + row.length, 1L);
    }
    return new TokenBatch(texts.size(), length, ids, mask);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
