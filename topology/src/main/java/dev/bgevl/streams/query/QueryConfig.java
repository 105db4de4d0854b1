package dev.bgevl.streams.query;

import dev.bgevl.streams.milvus.MetadataFilter;
import java.util.Set;

/**
 * Limits of the query application.
 *
 * @param maxTopK largest {@code top_k} a request may ask for ({@code query.max-top-k}, at most 1000)
 * @param filterFields fields a filter may name, {@code metadata} standing for every metadata key ({@code query.filter-fields})
 */
public record QueryConfig(int maxTopK, Set<String> filterFields) {

  /** The contract's upper bound on top_k. */
  public static final int TOP_K_LIMIT = 1000;

  public static final QueryConfig DEFAULT = new QueryConfig(TOP_K_LIMIT, MetadataFilter.DEFAULT_ALLOWED_FIELDS);

  public QueryConfig {
    if (maxTopK < 1 || maxTopK > TOP_K_LIMIT) {
      throw new IllegalArgumentException("query.max-top-k must be in 1.." + TOP_K_LIMIT + ", got " + maxTopK);
    }
    filterFields = Set.copyOf(filterFields);
  }
}
