package dev.bgevl.streams.milvus;

import java.util.Collection;
import java.util.List;

/**
 * Where the ingest application writes vectors: idempotent upserts and deletes keyed by media id.
 */
public interface VectorSink {

  /**
   * Inserts or replaces {@code rows} by id; a transient outage throws {@link
   * MilvusUnavailableException}.
   */
  void upsert(String collection, List<VectorRow> rows);

  /** Deletes these ids; ids that are not there are no error. */
  void delete(String collection, Collection<String> ids);
}
