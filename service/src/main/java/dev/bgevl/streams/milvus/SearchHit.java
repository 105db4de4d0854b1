package dev.bgevl.streams.milvus;

import java.util.Map;
import java.util.Objects;

/**
 * One search result: the stored item and its inner-product score (cosine similarity for unit
 * vectors, higher is closer).
 *
 * @param id media id
 * @param score inner product of query and stored vector
 * @param text stored text (possibly truncated by the sink), or empty
 * @param imageUri stored image URI, or empty
 * @param metadata stored metadata
 */
public record SearchHit(
    String id, float score, String text, String imageUri, Map<String, String> metadata) {

  public SearchHit {
    Objects.requireNonNull(id, "id");
    text = text == null ? "" : text;
    imageUri = imageUri == null ? "" : imageUri;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
