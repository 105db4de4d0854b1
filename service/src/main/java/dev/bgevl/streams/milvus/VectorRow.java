package dev.bgevl.streams.milvus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One media item as stored in its model's collection.
 *
 * <p>Validated on construction against the collection's limits (Milvus counts VarChar lengths in
 * UTF-8 bytes): the id is 1..512 bytes, the image URI at most 2048 and the model 1..256; the vector
 * is non-empty and finite. Text longer than the 8192-byte field is truncated by {@link
 * MilvusVectorSink}, not rejected. Null text and image URI become empty strings.
 *
 * @param id media id, the primary key
 * @param vector the L2-normalised embedding (copied; never logged)
 * @param text caption or query text stored beside the vector
 * @param imageUri where the image came from, or empty
 * @param metadata string key/value pairs, filterable through {@link MetadataFilter}
 * @param eventTime event time in epoch milliseconds
 * @param model id of the model that produced the vector
 */
public record VectorRow(
    String id,
    float[] vector,
    String text,
    String imageUri,
    Map<String, String> metadata,
    long eventTime,
    String model) {

  public VectorRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(model, "model");
    requireBytes("id", id, 1, MediaCollectionSchema.ID_MAX_BYTES);
    if (vector.length == 0) {
      throw new IllegalArgumentException("vector of id '" + id + "' is empty");
    }
    for (float v : vector) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("vector of id '" + id + "' has a non-finite component");
      }
    }
    vector = vector.clone();
    text = text == null ? "" : text;
    imageUri = imageUri == null ? "" : imageUri;
    requireBytes("imageUri", imageUri, 0, MediaCollectionSchema.IMAGE_URI_MAX_BYTES);
    requireBytes("model", model, 1, MediaCollectionSchema.MODEL_MAX_BYTES);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A copy of the vector: the record stays immutable. */
  @Override
  public float[] vector() {
    return vector.clone();
  }

  /** The vector without copying, for the sink's own read-only use. */
  float[] vectorView() {
    return vector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorRow other
        && id.equals(other.id)
        && Arrays.equals(vector, other.vector)
        && text.equals(other.text)
        && imageUri.equals(other.imageUri)
        && metadata.equals(other.metadata)
        && eventTime == other.eventTime
        && model.equals(other.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(vector), text, imageUri, metadata, eventTime, model);
  }

  /** Names the row without its vector or full text (never log either). */
  @Override
  public String toString() {
    return "VectorRow[id="
        + id
        + ", dim="
        + vector.length
        + ", textChars="
        + text.length()
        + ", imageUri="
        + imageUri
        + ", metadata="
        + metadata
        + ", eventTime="
        + eventTime
        + ", model="
        + model
        + "]";
  }

  private static void requireBytes(String name, String value, int min, int max) {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < min || bytes > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + ".." + max + " UTF-8 bytes but was " + bytes);
    }
  }
}
