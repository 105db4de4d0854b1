package dev.bgevl.streams.milvus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the query application searches: the top-k nearest rows of each query vector, optionally
 * filtered.
 */
public interface VectorSearch {

  /**
   * One ranked hit list per query vector, best first.
   *
   * @param deadline when the answer is no longer wanted; {@code null} for none
   */
  List<List<SearchHit>> search(
      String collection,
      List<float[]> queries,
      int topK,
      Optional<MetadataFilter> filter,
      Instant deadline);
}
