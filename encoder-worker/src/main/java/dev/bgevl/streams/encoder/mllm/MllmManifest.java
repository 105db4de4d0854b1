package dev.bgevl.streams.encoder.mllm;

import dev.bgevl.streams.encoder.bundle.ModelManifest;

/**
 * {@code manifest.json} of an MLLM bundle written by {@code tools/export_mllm.py}.
 *
 * <p>Field names are the snake_case keys of the file; {@code image} and {@code text} share the CLIP
 * bundle's records (the tile preprocessing is CLIP's).
 */
public record MllmManifest(
    int formatVersion,
    String modelId,
    String source,
    String revision,
    String architecture,
    int embeddingDim,
    int opset,
    ModelManifest.ImageSpec image,
    ModelManifest.TextSpec text,
    Spec mllm,
    Files files) {

  /** LLaVA-NeXT constants: anyres grid, image token, prompt pieces, default instruction. */
  public record Spec(
      int[] preResize,
      int tileSize,
      int patchSize,
      int[][] gridPinpoints,
      int visionFeatureLayer,
      String visionFeatureSelectStrategy,
      String imageToken,
      long imageTokenId,
      int hiddenSize,
      String precision,
      String defaultInstruction,
      Templates templates) {}

  /** The prompt pieces of BGE-VL-MLLM's {@code prepare_text_input}; see {@link PromptBuilder}. */
  public record Templates(
      String query,
      String queryWithoutInstruction,
      String candidate,
      String text,
      String image,
      String end) {}

  /** The bundle's files. */
  public record Files(
      Graph vision,
      Graph embed,
      DecoderGraph decoder,
      ModelManifest.PlainFile imageNewline,
      ModelManifest.PlainFile tokenizer) {}

  /** A one-input, one-output graph, its weights optionally in an external data file. */
  public record Graph(
      String path,
      String input,
      String output,
      String precision,
      String sha256,
      ModelManifest.PlainFile externalData) {}

  /** The decoder: inputs_embeds and each row's last real position in, pooled state out. */
  public record DecoderGraph(
      String path,
      String inputsEmbeds,
      String lastIndex,
      String output,
      String precision,
      String sha256,
      ModelManifest.PlainFile externalData) {}
}
