package dev.bgevl.streams.encoder.bundle;

/**
 * The contract between {@code tools/export_bgevl.py} and the Java encoder: {@code manifest.json}.
 *
 * <p>Field names are the snake_case keys of the file.
 */
public record ModelManifest(
    int formatVersion,
    String modelId,
    String source,
    String revision,
    String architecture,
    int embeddingDim,
    String fusion,
    int opset,
    ImageSpec image,
    TextSpec text,
    Files files) {

  /** CLIP image preprocessing constants, taken from the checkpoint's processor config. */
  public record ImageSpec(
      int size,
      int resizeShortestEdge,
      int cropSize,
      String resample,
      double rescaleFactor,
      float[] mean,
      float[] std) {}

  /** Tokenization constants, taken from the checkpoint's tokenizer. */
  public record TextSpec(
      int maxTokens, long bosTokenId, long eosTokenId, long padTokenId, boolean lowerCase) {}

  /**
   * The files of the bundle; {@code visionFp16} is absent unless exported with {@code
   * --fp16-vision}.
   */
  public record Files(
      GraphFile vision, GraphFile visionFp16, TextGraphFile text, PlainFile tokenizer) {}

  /** A one-input, one-output graph. */
  public record GraphFile(
      String path, String input, String output, String precision, String sha256) {}

  /** The text graph: token ids and attention mask in, raw text projection out. */
  public record TextGraphFile(
      String path,
      String inputIds,
      String attentionMask,
      String output,
      String precision,
      String sha256) {}

  /** A plain file with its checksum. */
  public record PlainFile(String path, String sha256) {}
}
