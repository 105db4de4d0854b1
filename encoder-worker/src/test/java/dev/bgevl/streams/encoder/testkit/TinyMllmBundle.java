package dev.bgevl.streams.encoder.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed tiny random-weight LLaVA-NeXT bundle ({@code models/tiny-bgevl-mllm}) and its
 * fixtures.
 */
public final class TinyMllmBundle {

  private TinyMllmBundle() {}

  /** The {@code models/} folder: the CLIP tiny bundle's parent. */
  public static Path models() {
    return TinyBundle.path().toAbsolutePath().normalize().getParent();
  }

  public static Path path() {
    Path p = models().resolve("tiny-bgevl-mllm");
    if (!Files.isRegularFile(p.resolve("manifest.json"))) {
      throw new IllegalStateException("tiny MLLM bundle not found at " + p);
    }
    return p;
  }

  /** {@code reference/reference.json}: computed with PyTorch/transformers on the same weights. */
  public static JsonNode reference() {
    return read("reference.json");
  }

  /** {@code reference/tokenizer_cases.json}: strings and the processor tokenizer's ids. */
  public static JsonNode tokenizerCases() {
    return read("tokenizer_cases.json");
  }

  /** The bytes of an image a fixture names (paths relative to {@code models/}). */
  public static byte[] image(String relative) {
    try {
      return Files.readAllBytes(models().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(String name) {
    try {
      return new ObjectMapper().readTree(path().resolve("reference").resolve(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
