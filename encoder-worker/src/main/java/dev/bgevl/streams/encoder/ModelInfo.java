package dev.bgevl.streams.encoder;

import java.util.Objects;

/** What a loaded model is: its id (from the bundle manifest) and embedding dimension. */
public record ModelInfo(String id, int dimension) {
  public ModelInfo {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("model id must not be blank");
    }
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive: " + dimension);
    }
  }
}
