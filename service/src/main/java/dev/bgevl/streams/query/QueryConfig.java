package dev.bgevl.streams.query;

import dev.bgevl.streams.milvus.MetadataFilter;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Limits and batching of the query application.
 *
 * @param maxTopK largest {@code top_k} a request may ask for ({@code query.max-top-k}, at most
 *     1000)
 * @param filterFields fields a filter may name, {@code metadata} standing for every metadata key
 *     ({@code query.filter-fields})
 * @param batchMaxSize requests answered by one encoder batch and one search per filter ({@code
 *     query.batch.max-size})
 * @param batchMaxDelay longest a request waits for others to join its batch ({@code
 *     query.batch.max-delay-ms})
 * @param commitInterval commit interval of the query application ({@code
 *     query.commit-interval-ms}); under exactly-once a reply becomes visible only at the commit, so
 *     this bounds the latency it adds
 * @param milvusTimeout deadline of one Milvus search ({@code query.milvus-timeout-ms}); shorter
 *     than ingest's, so a query hears UNAVAILABLE while its own deadline still allows an answer
 */
public record QueryConfig(
    int maxTopK,
    Set<String> filterFields,
    int batchMaxSize,
    Duration batchMaxDelay,
    Duration commitInterval,
    Duration milvusTimeout) {

  /** The contract's upper bound on top_k. */
  public static final int TOP_K_LIMIT = 1000;

  public static final QueryConfig DEFAULT =
      new QueryConfig(
          TOP_K_LIMIT,
          MetadataFilter.DEFAULT_ALLOWED_FIELDS,
          32,
          Duration.ofMillis(5),
          Duration.ofMillis(20),
          Duration.ofSeconds(2));

  public QueryConfig {
    if (maxTopK < 1 || maxTopK > TOP_K_LIMIT) {
      throw new IllegalArgumentException(
          "query.max-top-k must be in 1.." + TOP_K_LIMIT + ", got " + maxTopK);
    }
    filterFields = Set.copyOf(filterFields);
    if (batchMaxSize < 1) {
      throw new IllegalArgumentException("query.batch.max-size must be >= 1, got " + batchMaxSize);
    }
    Objects.requireNonNull(batchMaxDelay, "query.batch.max-delay-ms");
    if (batchMaxDelay.toMillis() < 1) {
      throw new IllegalArgumentException(
          "query.batch.max-delay-ms must be >= 1, got " + batchMaxDelay.toMillis());
    }
    Objects.requireNonNull(commitInterval, "query.commit-interval-ms");
    if (commitInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "query.commit-interval-ms must be >= 1, got " + commitInterval.toMillis());
    }
    Objects.requireNonNull(milvusTimeout, "query.milvus-timeout-ms");
    if (milvusTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "query.milvus-timeout-ms must be >= 1, got " + milvusTimeout.toMillis());
    }
  }
}
