package dev.bgevl.streams.encoder.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed tiny random-weight bundle and its transformers reference fixtures. */
public final class TinyBundle {

  private TinyBundle() {}

  /** {@code models/tiny-bgevl}, passed in by the build as {@code bgevl.tinyBundle}. */
  public static Path path() {
    String configured = System.getProperty("bgevl.tinyBundle");
    Path p = configured != null ? Path.of(configured) : Path.of("..", "models", "tiny-bgevl");
    if (!Files.isRegularFile(p.resolve("manifest.json"))) {
      throw new IllegalStateException("tiny model bundle not found at " + p.toAbsolutePath());
    }
    return p;
  }

  public static Path referenceDir() {
    return path().resolve("reference");
  }

  /** {@code reference/reference.json}: embeddings computed with PyTorch/transformers. */
  public static JsonNode reference() {
    return json(referenceDir().resolve("reference.json"));
  }

  /** Any JSON fixture file. */
  public static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  public static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}
