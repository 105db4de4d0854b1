package dev.bgevl.streams.ingest;

import dev.bgevl.streams.thumbnails.ThumbnailPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Micro-batching of the ingest application, per task.
 *
 * @param batchMaxSize events applied by one encoder call and one Milvus upsert ({@code
 *     ingest.batch.max-size})
 * @param batchMaxDelay longest an event waits in the pending store for its batch ({@code
 *     ingest.batch.max-delay-ms})
 * @param thumbnails the thumbnail each indexed image gets ({@code thumbnails.*})
 */
public record IngestConfig(int batchMaxSize, Duration batchMaxDelay, ThumbnailPolicy thumbnails) {

  public static final IngestConfig DEFAULT =
      new IngestConfig(32, Duration.ofMillis(50), ThumbnailPolicy.DEFAULT);

  /** Batching as given, thumbnails as by default. */
  public IngestConfig(int batchMaxSize, Duration batchMaxDelay) {
    this(batchMaxSize, batchMaxDelay, ThumbnailPolicy.DEFAULT);
  }

  public IngestConfig {
    if (batchMaxSize < 1) {
      throw new IllegalArgumentException("ingest.batch.max-size must be >= 1, got " + batchMaxSize);
    }
    Objects.requireNonNull(batchMaxDelay, "ingest.batch.max-delay-ms");
    if (batchMaxDelay.toMillis() < 1) {
      throw new IllegalArgumentException(
          "ingest.batch.max-delay-ms must be >= 1, got " + batchMaxDelay.toMillis());
    }
    Objects.requireNonNull(thumbnails, "thumbnails");
  }
}
