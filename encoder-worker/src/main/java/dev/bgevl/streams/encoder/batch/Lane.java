package dev.bgevl.streams.encoder.batch;

/**
 * Which queue an input waits in. A batch is filled from {@link #QUERY} first, then from {@link
 * #INGEST}; one slot per batch is kept for an {@code INGEST} item that has waited at least the
 * policy's max delay, so a steady stream of queries slows ingest but never stops it.
 */
public enum Lane {
  /**
   * A retrieval query: a user waits for it. Never blocks on submit; a full queue fails it at once.
   */
  QUERY,
  /**
   * A media event being indexed: throughput over latency. Blocks on submit while the queue is full.
   */
  INGEST
}
